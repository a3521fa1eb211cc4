package org.eclipse.kura;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Kura 5.0's KuraException: its constructors, factories and accessor. The message is a plain rendering of code
 * and arguments; Kura's own comes from a resource bundle.
 */
@ProviderType
public class KuraException extends Exception {

    private static final long serialVersionUID = 1L;

    private final KuraErrorCode code;

    public KuraException(KuraErrorCode code) {
        this(code, null, (Object[]) null);
    }

    public KuraException(KuraErrorCode code, Object... arguments) {
        this(code, null, arguments);
    }

    public KuraException(KuraErrorCode code, Throwable cause, Object... arguments) {
        super(describe(code, arguments), cause);
        this.code = code;
    }

    public static KuraException internalError(String message) {
        return new KuraException(KuraErrorCode.INTERNAL_ERROR, null, message);
    }

    public static KuraException internalError(Throwable cause) {
        return new KuraException(KuraErrorCode.INTERNAL_ERROR, cause, "");
    }

    public static KuraException internalError(Throwable cause, String message) {
        return new KuraException(KuraErrorCode.INTERNAL_ERROR, cause, message);
    }

    public KuraErrorCode getCode() {
        return this.code;
    }

    private static String describe(KuraErrorCode code, Object[] arguments) {
        StringBuilder text = new StringBuilder(String.valueOf(code));
        if (arguments != null) {
            for (Object argument : arguments) {
                text.append(' ').append(argument);
            }
        }
        return text.toString();
    }
}
