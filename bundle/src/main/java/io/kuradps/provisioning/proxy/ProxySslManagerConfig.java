package io.kuradps.provisioning.proxy;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.kuradps.provisioning.component.ProxySettings;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * The form of {@link ProxySslManager} in the Kura web UI (bnd writes OSGI-INF/metatype). The proxy.* fields mean
 * what they mean on the DPS component, with its default and bounds ({@link ProxySettings}).
 */
@ObjectClassDefinition(id = ProxySslManager.PID, name = "HTTP proxy SslManagerService",
        description = "An SslManagerService whose socket factories tunnel through an HTTP proxy with CONNECT, for Kura's"
                + " cloud connection: set SslManagerService.target=(kura.service.pid=" + ProxySslManager.PID + ") on"
                + " the MqttDataTransport. TLS stays with the broker; keys and trust come from the delegate.")
@interface ProxySslManagerConfig {

    @AttributeDefinition(name = "HTTP proxy host", required = false,
            description = "Host name or address of the HTTP proxy (no scheme, no port). Empty: no proxy, the"
                    + " delegate's socket factories unchanged.")
    String proxy_host() default "";

    @AttributeDefinition(name = "HTTP proxy port", min = "" + ProxySettings.PORT_MIN, max = "" + ProxySettings.PORT_MAX,
            description = "Port of the HTTP proxy.")
    int proxy_port() default ProxySettings.PORT_DEFAULT;

    @AttributeDefinition(name = "HTTP proxy user name", required = false,
            description = "User name for the proxy's Basic authentication. Empty: no authentication.")
    String proxy_username() default "";

    @AttributeDefinition(name = "HTTP proxy password", type = AttributeType.PASSWORD, required = false,
            description = "Password for the proxy's Basic authentication.")
    String proxy_password() default "";

    @AttributeDefinition(name = "Delegate SslManagerService", description = "Filter selecting Kura's"
            + " SslManagerService whose keystores, trust and TLS settings the tunnelled sockets use.")
    String delegate_target() default KuraReferences.DEFAULT_SSL_MANAGER_TARGET;
}
