package org.eclipse.kura.ssl;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when an SslManagerService's configuration changed, as Kura 5.0 declares it. */
@ConsumerType
public interface SslServiceListener {

    void onConfigurationUpdated();
}
