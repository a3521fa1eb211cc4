package io.kuradps.provisioning.hub;

import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;

/**
 * How Kura's cloud connection components name each other: each layer's configuration holds the reference target of
 * the next ({@code <reference name>.target}, an LDAP filter on {@code kura.service.pid}), and Declarative Services
 * publishes it among the service properties. Property ids and defaults from Kura's component XML and metatypes
 * (kura.md, "Kura's own cloud connection").
 */
final class KuraReferences {

    /** A DataService's target: the DataTransportService (MqttDataTransport) it drives. */
    static final String DATA_TRANSPORT_TARGET = "DataTransportService.target";
    /** An MqttDataTransport's target: the SslManagerService whose socket factory it connects with. */
    static final String SSL_MANAGER_TARGET = "SslManagerService.target";
    /** An SslManagerService's target: the KeystoreService it takes its trust and key from. */
    static final String KEYSTORE_TARGET = "KeystoreService.target";
    /** Kura's default SslManagerService instance, which every transport uses unless told otherwise. */
    static final String DEFAULT_SSL_MANAGER_PID = "org.eclipse.kura.ssl.SslManagerService";

    private KuraReferences() {
    }

    /** The reference target that selects the service with this {@code kura.service.pid}. */
    static String target(String kuraServicePid) {
        return "(" + ConfigurationService.KURA_SERVICE_PID + "=" + kuraServicePid + ")";
    }

    /** The transport's SslManagerService target, Kura's default when the configuration has none. */
    static String sslManagerTarget(Map<String, ?> transportConfiguration) {
        Object target = transportConfiguration.get(SSL_MANAGER_TARGET);
        String text = target == null ? "" : String.valueOf(target).trim();
        return text.isEmpty() ? target(DEFAULT_SSL_MANAGER_PID) : text;
    }
}
