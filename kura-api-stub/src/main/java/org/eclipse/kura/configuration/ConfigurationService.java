package org.eclipse.kura.configuration;

import org.osgi.annotation.versioning.ProviderType;

/** Only the constant the bundle reads; Kura's real interface has many methods. */
@ProviderType
public interface ConfigurationService {

    /** Property that Kura adds to every configuration it manages. */
    String KURA_SERVICE_PID = "kura.service.pid";
}
