package io.kuradps.provisioning.hub;

import java.util.Locale;
import java.util.Optional;

/**
 * What happens to the transport's password in one write: kept as it is, cleared (X.509 sends none, and Kura's
 * transport sends no password when it is empty), or set to a fresh SAS token. A plan decides to set a token before
 * one is signed ({@link #token()}); the token is signed and filled in ({@link #signedWith}) only right before the
 * write, so that no wait eats into its lifetime. Immutable; its text never shows the token.
 */
final class PasswordChange {

    private enum Kind { KEEP, CLEAR, SET }

    private static final PasswordChange KEEP = new PasswordChange(Kind.KEEP, null);
    private static final PasswordChange CLEAR = new PasswordChange(Kind.CLEAR, "");
    private static final PasswordChange TOKEN = new PasswordChange(Kind.SET, null);

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

    /** A fresh token, not signed yet: {@link #signedWith} gives the change to write. */
    static PasswordChange token() {
        return TOKEN;
    }

    static PasswordChange set(String token) {
        return TOKEN.signedWith(token);
    }

    /** Whether this change sets a token (signed or not yet). */
    boolean setsToken() {
        return kind == Kind.SET;
    }

    /** This change with the token filled in, if it sets one; keep and clear stay as they are. */
    PasswordChange signedWith(String token) {
        if (kind != Kind.SET) {
            return this;
        }
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a token to set must not be empty; clear() clears");
        }
        return new PasswordChange(Kind.SET, token);
    }

    /**
     * The value to write as a Kura Password: empty to clear, the token to set; absent to keep.
     *
     * @throws IllegalStateException for a token not signed yet
     */
    Optional<String> newValue() {
        if (kind == Kind.SET && value == null) {
            throw new IllegalStateException("the token is signed right before the write: signedWith(token) first");
        }
        return Optional.ofNullable(value);
    }

    /** {@code keep}, {@code clear} or {@code set a token}. */
    @Override
    public String toString() {
        return kind == Kind.SET ? "set a token" : kind.name().toLowerCase(Locale.ROOT);
    }
}
