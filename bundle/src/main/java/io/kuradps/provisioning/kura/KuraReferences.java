package io.kuradps.provisioning.kura;

import java.util.Collections;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

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

    /**
     * Whether a DataService whose {@value #DATA_TRANSPORT_TARGET} is {@code target} drives the transport with this
     * kura.service.pid, as Kura wires them: the filter is matched against the transport's registration when there is
     * one (a target may name other properties too), else against the PID it will have. False for no target, or one
     * that is not a filter.
     *
     * @param transport the transport's registration, null while it has none
     */
    public static boolean selectsTransport(Object target, ServiceReference<?> transport, String transportPid) {
        if (target == null) {
            return false;
        }
        try {
            Filter filter = FrameworkUtil.createFilter(String.valueOf(target));
            return transport != null ? filter.match(transport)
                    : filter.matches(Collections.singletonMap(ConfigurationService.KURA_SERVICE_PID, transportPid));
        } catch (InvalidSyntaxException e) {
            return false;
        }
    }
}
