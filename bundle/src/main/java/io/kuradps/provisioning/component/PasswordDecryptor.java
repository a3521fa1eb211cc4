package io.kuradps.provisioning.component;

import org.eclipse.kura.crypto.CryptoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Password value from ConfigAdmin into the secret. Kura stores Password values encrypted with its
 * CryptoService; a value set by other means (a snapshot not yet re-encrypted, a test) may be plain, so a value
 * that does not decrypt is used as given, as Kura's own transports do.
 */
final class PasswordDecryptor {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordDecryptor.class);

    private PasswordDecryptor() {
    }

    /** @param crypto Kura's CryptoService, or null where there is none */
    static String decrypt(String field, String value, CryptoService crypto) {
        if (value == null || value.isEmpty() || crypto == null) {
            return value == null ? "" : value;
        }
        try {
            char[] plain = crypto.decryptAes(value.toCharArray());
            if (plain == null) {
                return value;
            }
            return new String(plain);
        } catch (Exception e) {
            // The exception text could echo the value, so only its type is logged.
            LOG.debug("{} does not decrypt ({}); using it as given", field, e.getClass().getSimpleName());
            return value;
        }
    }
}
