package io.kuradps.runtime.support.ssl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The properties of Kura 5.0's SslManagerService metatype that the stand-in reads, with Kura's defaults; the
 * revocation ones are left out, since it does not check revocation.
 */
@ObjectClassDefinition(id = StandInSslManagerService.FACTORY_PID, name = "SSL manager (stand-in)",
        description = "TLS from a KeystoreService, as Kura's SslManagerService builds it.")
@interface SslManagerDefinition {

    @AttributeDefinition(name = "Default protocol", description = "Empty: the JVM's default context, which "
            + "ignores the keystore (as in Kura).")
    String ssl_default_protocol() default "TLSv1.2";

    @AttributeDefinition(name = "Hostname verification", description = "Ignored by the stand-in: Paho checks the "
            + "host name itself.")
    boolean ssl_hostname_verification() default true;

    @AttributeDefinition(name = "KeystoreService target filter")
    String KeystoreService_target() default "(kura.service.pid=changeme)";

    @AttributeDefinition(name = "Cipher suites", description = "Ignored by the stand-in.", required = false)
    String ssl_default_cipherSuites() default "";
}
