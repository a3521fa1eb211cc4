package org.eclipse.kura.configuration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Kura 5.0's holder of a Password-typed configuration value. As in Kura, toString returns the held characters:
 * in a configuration Kura hands out that is the encrypted text, and code that logs it leaks exactly what it would
 * on a gateway, so the tests see the same leak.
 */
@ProviderType
public class Password {

    private char[] password;

    public Password(String password) {
        if (password != null) {
            this.password = password.toCharArray();
        }
    }

    public Password(char[] password) {
        this.password = password;
    }

    public char[] getPassword() {
        return this.password;
    }

    @Override
    public String toString() {
        return new String(this.password);
    }
}
