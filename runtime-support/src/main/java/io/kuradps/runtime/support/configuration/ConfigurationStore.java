package io.kuradps.runtime.support.configuration;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Where configurations live, by service.pid: ConfigAdmin in a framework ({@link ConfigAdminStore}), a map in unit
 * tests. Values are what ConfigAdmin holds, so Password values are plain Strings here (encrypted ones if they went
 * through the ConfigurationService).
 */
interface ConfigurationStore {

    /** The configuration's properties, with ConfigAdmin's service.pid and service.factoryPid; null if it has none. */
    Map<String, Object> read(String servicePid) throws IOException;

    void write(String servicePid, Map<String, Object> properties) throws IOException;

    /** @return the service.pid ConfigAdmin gives the new factory configuration */
    String createFactoryConfiguration(String factoryPid) throws IOException;

    /** The service.pid of the factory configuration whose kura.service.pid is that, if there is one. */
    Optional<String> findFactoryConfiguration(String kuraServicePid) throws IOException;

    void delete(String servicePid) throws IOException;
}
