package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code NOT_CONNECTED, with Kura 5.0's constructors. */
@ProviderType
public class KuraNotConnectedException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraNotConnectedException(Object argument) {
        super(KuraErrorCode.NOT_CONNECTED, null, argument);
    }

    public KuraNotConnectedException(Throwable cause, Object argument) {
        super(KuraErrorCode.NOT_CONNECTED, cause, argument);
    }
}
