package io.kuradps.provisioning.component;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.crypto.CryptoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Password values from ConfigAdmin into secrets, for one component across the comings and goings of Kura's
 * CryptoService. Kura stores Password values encrypted with its CryptoService; a value set by other means (a snapshot
 * not yet re-encrypted, a framework without Kura) may be plain, so a value that does not decrypt is used as given, as
 * Kura's own transports do. That rule holds only where a CryptoService could have decrypted it: once one has been
 * bound and has left (Kura stopping, its bundle updated), a stored value cannot be told from a plain one, so a value
 * already decrypted is used as it was decrypted, and a value that changed since is awaited
 * ({@link MissingServiceException}) rather than taken for a wrong secret. Thread-safe.
 */
final class PasswordDecryptor implements ProvisioningConfig.Passwords {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordDecryptor.class);

    private CryptoService crypto;
    private boolean cryptoLeft;
    /** Field id to the last value a CryptoService decrypted for it and what it decrypted to. */
    private final Map<String, String[]> decrypted = new HashMap<>();

    synchronized void bind(CryptoService service) {
        crypto = service;
        cryptoLeft = false;
    }

    synchronized void unbind(CryptoService service) {
        if (crypto == service) {
            crypto = null;
            cryptoLeft = true;
        }
    }

    /** Whether a CryptoService is bound now. */
    synchronized boolean hasCryptoService() {
        return crypto != null;
    }

    @Override
    public synchronized String clear(String field, String value) throws MissingServiceException {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (crypto != null) {
            String clear = decrypt(field, value, crypto);
            decrypted.put(field, new String[] { value, clear });
            return clear;
        }
        if (!cryptoLeft) {
            return value;
        }
        String[] known = decrypted.get(field);
        if (known != null && known[0].equals(value)) {
            return known[1];
        }
        throw new MissingServiceException(field, "Kura's CryptoService went away and this value is not the one it "
                + "decrypted; waiting for a CryptoService to decrypt it");
    }

    /** The rule without memory: decrypted with {@code crypto}, or as given where there is none or it does not. */
    static ProvisioningConfig.Passwords with(CryptoService crypto) {
        return (field, value) -> value == null || value.isEmpty() ? ""
                : crypto == null ? value : decrypt(field, value, crypto);
    }

    private static String decrypt(String field, String value, CryptoService crypto) {
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
