package io.kuradps.runtime.support.crypto;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;

/**
 * How Kura's own components read a Password-typed property they are configured with (MqttDataTransport,
 * KeystoreServiceOptions, Kura 5.0): decrypted through the CryptoService, or as it is when it does not decrypt,
 * since a value set by other means (ConfigAdmin directly, a metatype default) may be plain.
 */
public final class PasswordProperties {

    private PasswordProperties() {
    }

    /** @return the clear characters, null when the property is absent */
    public static char[] clear(Object value, CryptoService crypto) {
        if (value == null) {
            return null;
        }
        char[] text = value.toString().toCharArray();
        try {
            return crypto.decryptAes(text);
        } catch (KuraException plain) {
            return text;
        }
    }
}
