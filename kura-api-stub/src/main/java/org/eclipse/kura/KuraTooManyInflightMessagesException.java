package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code TOO_MANY_INFLIGHT_MESSAGES, with Kura 5.0's constructors. */
@ProviderType
public class KuraTooManyInflightMessagesException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraTooManyInflightMessagesException(Object argument) {
        super(KuraErrorCode.TOO_MANY_INFLIGHT_MESSAGES, null, argument);
    }

    public KuraTooManyInflightMessagesException(Throwable cause, Object argument) {
        super(KuraErrorCode.TOO_MANY_INFLIGHT_MESSAGES, cause, argument);
    }
}
