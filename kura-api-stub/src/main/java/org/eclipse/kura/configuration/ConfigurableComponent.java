package org.eclipse.kura.configuration;

import org.osgi.annotation.versioning.ConsumerType;

/** Marker that makes Kura's ConfigurationService show a component in the web UI. */
@ConsumerType
public interface ConfigurableComponent {
}
