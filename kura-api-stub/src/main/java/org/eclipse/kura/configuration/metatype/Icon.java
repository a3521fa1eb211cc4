package org.eclipse.kura.configuration.metatype;

import java.math.BigInteger;

import org.osgi.annotation.versioning.ProviderType;

/** A metatype icon as Kura 5.0 exposes it. */
@ProviderType
public interface Icon {

    String getResource();

    BigInteger getSize();
}
