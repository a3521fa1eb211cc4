package io.kuradps.runtime.support.ssl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The properties of Kura 5.5's SslManagerService metatype that the stand-in reads, with Kura's defaults; the
 * revocation ones are left out, since it does not check revocation. Designated as a factory only, as Kura's.
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

    @AttributeDefinition(name = "KeystoreService target filter", description = "The keystore whose keys are "
            + "presented (any of them), and whose certificates are trusted when the truststore filter selects none.")
    String KeystoreService_target() default "(kura.service.pid=changeme)";

    @AttributeDefinition(name = "Truststore target filter", description = "The keystore whose certificates are "
            + "trusted; when it selects none, those of the KeystoreService target are.")
    String TruststoreKeystoreService_target() default "(kura.service.pid=changeme)";

    @AttributeDefinition(name = "Cipher suites", description = "Ignored by the stand-in.", required = false)
    String ssl_default_cipherSuites() default "";
}
