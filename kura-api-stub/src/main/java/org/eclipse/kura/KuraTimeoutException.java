package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code TIMED_OUT; unlike its siblings, Kura 5.0 gives it (message[, cause]) constructors. */
@ProviderType
public class KuraTimeoutException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraTimeoutException(String message) {
        super(KuraErrorCode.TIMED_OUT, null, message);
    }

    public KuraTimeoutException(String message, Throwable cause) {
        super(KuraErrorCode.TIMED_OUT, cause, message);
    }
}
