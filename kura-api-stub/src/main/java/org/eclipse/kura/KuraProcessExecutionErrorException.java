package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/** A KuraException with code PROCESS_EXECUTION_ERROR, with Kura 5.0's constructors. */
@ProviderType
public class KuraProcessExecutionErrorException extends KuraException {

    private static final long serialVersionUID = 1L;

    public KuraProcessExecutionErrorException(Object argument) {
        super(KuraErrorCode.PROCESS_EXECUTION_ERROR, null, argument);
    }

    public KuraProcessExecutionErrorException(Throwable cause, Object argument) {
        super(KuraErrorCode.PROCESS_EXECUTION_ERROR, cause, argument);
    }
}
