package org.eclipse.kura.cloudconnection.factory;

import java.util.List;
import java.util.Set;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every member of Kura 5.0's CloudConnectionFactory: creates and deletes a whole cloud connection stack (endpoint,
 * DataService, transport) under one endpoint PID.
 */
@ProviderType
public interface CloudConnectionFactory {

    /** Service property naming the factory PID of the endpoints a factory creates. */
    String KURA_CLOUD_CONNECTION_FACTORY_PID = "kura.cloud.connection.factory.pid";

    String getFactoryPid();

    void createConfiguration(String pid) throws KuraException;

    List<String> getStackComponentsPids(String pid) throws KuraException;

    void deleteConfiguration(String pid) throws KuraException;

    Set<String> getManagedCloudConnectionPids() throws KuraException;
}
