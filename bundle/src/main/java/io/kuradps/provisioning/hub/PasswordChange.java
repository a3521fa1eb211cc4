package io.kuradps.provisioning.hub;

import java.util.Locale;
import java.util.Optional;

/**
 * What happens to the transport's password in one write: kept as it is, cleared (X.509 sends none, and Kura's
 * transport sends no password when it is empty), or set to a fresh SAS token. Immutable; its text never shows the
 * token.
 */
final class PasswordChange {

    private enum Kind { KEEP, CLEAR, SET }

    private static final PasswordChange KEEP = new PasswordChange(Kind.KEEP, null);
    private static final PasswordChange CLEAR = new PasswordChange(Kind.CLEAR, "");

    private final Kind kind;
    private final String value;

    private PasswordChange(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    static PasswordChange keep() {
        return KEEP;
    }

    static PasswordChange clear() {
        return CLEAR;
    }

    static PasswordChange set(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a token to set must not be empty; clear() clears");
        }
        return new PasswordChange(Kind.SET, token);
    }

    /** The value to write as a Kura Password: empty to clear, the token to set; absent to keep. */
    Optional<String> newValue() {
        return Optional.ofNullable(value);
    }

    /** {@code keep}, {@code clear} or {@code set a token}. */
    @Override
    public String toString() {
        return kind == Kind.SET ? "set a token" : kind.name().toLowerCase(Locale.ROOT);
    }
}
