package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code CONNECTION_FAILED, with Kura 5.0's constructors. */
@ProviderType
public class KuraConnectException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraConnectException(Object argument) {
        super(KuraErrorCode.CONNECTION_FAILED, null, argument);
    }

    public KuraConnectException(Throwable cause, Object argument) {
        super(KuraErrorCode.CONNECTION_FAILED, cause, argument);
    }
}
