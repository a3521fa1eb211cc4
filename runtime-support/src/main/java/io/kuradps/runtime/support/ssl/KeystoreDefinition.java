package io.kuradps.runtime.support.ssl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The two properties of Kura 5.0's FilesystemKeystoreServiceImpl metatype the stand-in reads, with its defaults. */
@ObjectClassDefinition(id = StandInKeystoreService.FACTORY_PID, name = "Keystore (stand-in)",
        description = "A keystore file, as Kura's FilesystemKeystoreServiceImpl serves it.")
@interface KeystoreDefinition {

    @AttributeDefinition(name = "Keystore path", description = "The keystore file; it must exist, as in Kura.")
    String keystore_path() default "/tmp";

    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD)
    String keystore_password() default "changeit";
}
