package io.kuradps.provisioning.hub;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HubLink.Kura} over Kura's services: the transport is read and written only through Kura's
 * ConfigurationService (which encrypts the {@code Password} and keeps snapshots; ConfigAdmin would store it clear),
 * a missing stack is made by the raw MQTT CloudConnectionFactory, ConfigAdmin is only asked whether a PID Kura does
 * not track exists, and the rest is delegated to the pieces that follow Kura's wiring. Nothing here logs a value: the
 * password travels as a Kura Password, whose toString is clear.
 */
final class KuraTransportServices implements HubLink.Kura {

    /** How often {@link #awaitTracked} asks Kura again: its tracking of a component tells nobody. */
    static final Duration TRACKING_POLL = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(KuraTransportServices.class);

    private final ConfigurationService configurationService;
    private final Supplier<ConfigurationAdmin> configurationAdmin;
    private final Supplier<CloudConnectionFactory> rawMqttFactory;
    private final TransportTls tls;
    private final EventFence fence;
    private final TransportConnector connector;
    private final Runnable reprovision;

    /**
     * @param configurationAdmin the ConfigurationAdmin bound now, or null
     * @param rawMqttFactory     the RawMqttCloudConnectionFactory bound now, or null
     * @param fence              returns once EventAdmin delivered what a keystore write posted
     * @param reprovision        asks DPS for a fresh registration
     */
    KuraTransportServices(ConfigurationService configurationService, Supplier<ConfigurationAdmin> configurationAdmin,
            Supplier<CloudConnectionFactory> rawMqttFactory, TransportTls tls, EventFence fence,
            TransportConnector connector, Runnable reprovision) {
        this.configurationService = configurationService;
        this.configurationAdmin = configurationAdmin;
        this.rawMqttFactory = rawMqttFactory;
        this.tls = tls;
        this.fence = fence;
        this.connector = connector;
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

    /**
     * ConfigAdmin holds every configuration Kura restored from its snapshot, as {@code kura.service.pid} (a factory
     * instance) or as its own PID; Kura tracks a factory instance from its own start, any other once its component
     * registers, and tells nobody when it does, so this asks again every {@link #TRACKING_POLL}, at most
     * {@link TransportConnector#SERVICE_WAIT}.
     */
    @Override
    public boolean awaitTracked(String pid) throws Exception {
        if (!configurationAdminHolds(pid)) {
            return false;
        }
        LOG.info("Kura holds a configuration of {} but does not track it yet; waiting for its component", pid);
        long deadline = System.nanoTime() + TransportConnector.SERVICE_WAIT.toNanos();
        while (configurationService.getComponentConfiguration(pid) == null && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(TRACKING_POLL.toMillis());
        }
        return true;
    }

    private boolean configurationAdminHolds(String pid) throws IOException, InvalidSyntaxException {
        ConfigurationAdmin admin = configurationAdmin.get();
        if (admin == null) {
            return false;
        }
        String value = escape(pid);
        Configuration[] found = admin.listConfigurations("(|(" + ConfigurationService.KURA_SERVICE_PID + "=" + value
                + ")(" + Constants.SERVICE_PID + "=" + value + "))");
        return found != null && found.length > 0;
    }

    /** An LDAP filter value: {@code \ * ( )} escaped (RFC 4515). */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    @Override
    public void createStack(String transportPid) throws Exception {
        RawMqttStack.create(rawMqttFactory.get(), configurationService, transportPid);
    }

    @Override
    public SslManagersSeen sslManagersSeen(Optional<String> keyKeystorePid, String transportSslManagerTarget) {
        return tls.seen(keyKeystorePid, transportSslManagerTarget);
    }

    /** After a keystore write, waits until Kura's SslManagerServices handled its event (they cut the transports). */
    @Override
    public void prepareTls(String transportPid, TlsPlan plan) throws Exception {
        if (tls.prepare(transportPid, plan)) {
            fence.await();
        }
    }

    @Override
    public boolean isConnected(String transportPid) {
        return connector.isConnected(transportPid);
    }

    @Override
    public void disconnect(String transportPid) {
        connector.disconnect(transportPid);
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

    @Override
    public void awaitApplied(String transportPid) throws InterruptedException {
        connector.awaitApplied(transportPid);
    }

    @Override
    public long connect(String transportPid) throws HubConnectException, InterruptedException {
        return connector.connect(transportPid);
    }

    @Override
    public void reprovision() {
        reprovision.run();
    }
}
