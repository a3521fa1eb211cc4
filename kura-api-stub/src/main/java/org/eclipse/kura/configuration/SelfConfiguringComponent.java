package org.eclipse.kura.configuration;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ConsumerType;

/** A component that reports its own configuration to Kura instead of being configured through ConfigAdmin. */
@ConsumerType
public interface SelfConfiguringComponent {

    ComponentConfiguration getConfiguration() throws KuraException;
}
