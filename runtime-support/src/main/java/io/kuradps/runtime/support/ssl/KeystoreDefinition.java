package io.kuradps.runtime.support.ssl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The properties of Kura 5.5's FilesystemKeystoreServiceImpl metatype that the stand-in reads, with its defaults
 * (the CRL ones are left out: the stand-in offers no CRLs).
 */
@ObjectClassDefinition(id = StandInKeystoreService.FACTORY_PID, name = "Keystore (stand-in)",
        description = "A keystore file, as Kura's FilesystemKeystoreServiceImpl serves it.")
@interface KeystoreDefinition {

    @AttributeDefinition(name = "Keystore path", description = "The keystore file; created, empty, when there is "
            + "no file at the path.")
    String keystore_path() default KeystoreOptions.DEFAULT_PATH;

    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD)
    String keystore_password() default KeystoreOptions.DEFAULT_PASSWORD;

    @AttributeDefinition(name = "Randomize password", description = "Give the keystore a random password at the "
            + "next start, written back here.")
    boolean randomize_password() default false;
}
