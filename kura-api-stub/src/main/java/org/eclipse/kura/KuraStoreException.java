package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code STORE_ERROR, with Kura 5.0's constructors. */
@ProviderType
public class KuraStoreException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraStoreException(Object argument) {
        super(KuraErrorCode.STORE_ERROR, null, argument);
    }

    public KuraStoreException(Throwable cause, Object argument) {
        super(KuraErrorCode.STORE_ERROR, cause, argument);
    }
}
