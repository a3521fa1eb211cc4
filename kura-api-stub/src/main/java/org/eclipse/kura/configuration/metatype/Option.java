package org.eclipse.kura.configuration.metatype;

import org.osgi.annotation.versioning.ProviderType;

/** One allowed value of a metatype attribute, as Kura 5.0 exposes it. */
@ProviderType
public interface Option {

    String getLabel();

    String getValue();
}
