package io.kuradps.provisioning.hub;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;


/**
 * {@link HubLink.Kura} over Kura's services: the transport is read and written only through Kura's
 * ConfigurationService (which encrypts the {@code Password} and keeps snapshots; ConfigAdmin would store it clear),
 * a missing stack is made by the raw MQTT CloudConnectionFactory, and the rest is delegated to the pieces that
 * follow Kura's wiring. Nothing here logs a value: the password travels as a Kura Password, whose toString is clear.
 */
final class KuraTransportServices implements HubLink.Kura {

    private final ConfigurationService configurationService;
    private final Supplier<CloudConnectionFactory> rawMqttFactory;
    private final TransportTls tls;
    private final TransportConnector connector;
    private final ReadyWait readyWait;
    private final Runnable reprovision;

    /**
     * @param rawMqttFactory the RawMqttCloudConnectionFactory bound now, or null
     * @param reprovision    asks DPS for a fresh registration
     */
    KuraTransportServices(ConfigurationService configurationService, Supplier<CloudConnectionFactory> rawMqttFactory,
            TransportTls tls, TransportConnector connector, ReadyWait readyWait, Runnable reprovision) {
        this.configurationService = configurationService;
        this.rawMqttFactory = rawMqttFactory;
        this.tls = tls;
        this.connector = connector;
        this.readyWait = readyWait;
        this.reprovision = reprovision;
    }

    @Override
    public Optional<Map<String, Object>> transportConfiguration(String pid) throws Exception {
        ComponentConfiguration configuration = configurationService.getComponentConfiguration(pid);
        if (configuration == null) {
            return Optional.empty();
        }
        Map<String, Object> properties = configuration.getConfigurationProperties();
        // Tracked without properties: what Kura shows for a PID it tracks under another name (a service.pid array).
        return Optional.of(properties == null ? Collections.emptyMap() : new HashMap<>(properties));
    }

    @Override
    public void createStack(String transportPid) throws Exception {
        RawMqttStack.create(rawMqttFactory.get(), transportPid);
    }

    @Override
    public Optional<String> sslManagerOver(String keystorePid) {
        return tls.sslManagerOver(keystorePid);
    }

    @Override
    public void prepareTls(String transportPid, TlsPlan plan) throws Exception {
        tls.prepare(transportPid, plan);
    }

    @Override
    public void writeTransport(String pid, Map<String, Object> values, PasswordChange password, boolean snapshot)
            throws Exception {
        Optional<String> newPassword = password.newValue();
        if (values.isEmpty() && !newPassword.isPresent()) {
            return;
        }
        Map<String, Object> properties = new HashMap<>(values);
        newPassword.ifPresent(value -> properties.put(TransportProperties.PASSWORD, new Password(value)));
        connector.beforeWrite(pid, values);
        configurationService.updateConfiguration(pid, properties, snapshot);
    }

    /** A PID Kura tracks already cannot lose an update, so only an untracked one waits for READY. */
    @Override
    public void awaitConfigurationReady(String transportPid) throws Exception {
        if (!readyWait.seen() && configurationService.getComponentConfiguration(transportPid) == null) {
            readyWait.await();
        }
    }

    @Override
    public void connect(String transportPid) throws HubConnectException, InterruptedException {
        connector.connect(transportPid);
    }

    @Override
    public void reprovision() {
        reprovision.run();
    }
}
