package org.eclipse.kura.configuration;

import java.util.Map;

import org.eclipse.kura.configuration.metatype.OCD;
import org.osgi.annotation.versioning.ProviderType;

/** A component's PID, its metatype definition and its current properties, as Kura 5.0 declares it. */
@ProviderType
public interface ComponentConfiguration {

    String getPid();

    OCD getDefinition();

    Map<String, Object> getConfigurationProperties();
}
