package org.eclipse.kura.configuration.metatype;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A metatype object class definition as Kura 5.0 exposes it. */
@ProviderType
public interface OCD {

    List<AD> getAD();

    List<Icon> getIcon();

    String getName();

    String getDescription();

    String getId();
}
