package org.eclipse.kura;

/** Mirrors the constructors and accessor of Kura's own KuraException that callers use. */
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
