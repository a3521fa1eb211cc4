package io.kuradps.provisioning.kura;

import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;

/**
 * How Kura's components name each other: each layer's configuration holds the reference target of the next
 * ({@code <reference name>.target}, an LDAP filter on {@code kura.service.pid}), and Declarative Services publishes
 * it among the service properties. Property ids and PIDs from Kura's component XML and metatypes (kura.md, "Kura's
 * own cloud connection").
 */
public final class KuraReferences {

    /** A DataService's target: the DataTransportService (MqttDataTransport) it drives. */
    public static final String DATA_TRANSPORT_TARGET = "DataTransportService.target";
    /** An MqttDataTransport's target: the SslManagerService whose socket factory it connects with. */
    public static final String SSL_MANAGER_TARGET = "SslManagerService.target";
    /** An SslManagerService's target: the KeystoreService it presents keys from, and trusts unless told otherwise. */
    public static final String KEYSTORE_TARGET = "KeystoreService.target";
    /**
     * An SslManagerService's target: the KeystoreService it takes its trust from; while it selects none (its
     * factory default {@code (kura.service.pid=changeme)}), Kura trusts the {@link #KEYSTORE_TARGET} one
     * (SslManagerServiceImpl.getTrustManagers, its metatype).
     */
    public static final String TRUSTSTORE_TARGET = "TruststoreKeystoreService.target";
    /**
     * Kura's SslManagerService: the factory PID of its instances, and the PID of the default instance, which every
     * transport uses unless told otherwise.
     */
    public static final String SSL_MANAGER_PID = "org.eclipse.kura.ssl.SslManagerService";
    /** The reference target of Kura's default SslManagerService; a constant, so annotations can name it. */
    public static final String DEFAULT_SSL_MANAGER_TARGET = "(" + ConfigurationService.KURA_SERVICE_PID + "="
            + SSL_MANAGER_PID + ")";

    private KuraReferences() {
    }

    /** The reference target that selects the service with this {@code kura.service.pid}. */
    public static String target(String kuraServicePid) {
        return "(" + ConfigurationService.KURA_SERVICE_PID + "=" + kuraServicePid + ")";
    }

    /** The transport's SslManagerService target, Kura's default when the configuration has none. */
    public static String sslManagerTarget(Map<String, ?> transportConfiguration) {
        Object target = transportConfiguration.get(SSL_MANAGER_TARGET);
        String text = target == null ? "" : String.valueOf(target).trim();
        return text.isEmpty() ? DEFAULT_SSL_MANAGER_TARGET : text;
    }
}
