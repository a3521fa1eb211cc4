package io.kuradps.runtime.support.configuration;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.crypto.CryptoService;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.seed.AttributeValues;

/**
 * How Kura's ConfigurationService turns values between ConfigAdmin and its callers (its CollectionsUtil,
 * ComponentUtil and the encrypt/decrypt steps of ConfigurationServiceImpl, Kura 5.0): Password values are
 * {@link Password} objects for callers and plain Strings in ConfigAdmin; only values that are Password objects get
 * encrypted, and a value that already decrypts is left as it is.
 */
final class PropertyValues {

    private static final Logger LOG = LoggerFactory.getLogger(PropertyValues.class);

    private final CryptoService crypto;

    PropertyValues(CryptoService crypto) {
        this.crypto = crypto;
    }

    /** ConfigAdmin's values with every Password-typed attribute of the definition as a {@link Password}. */
    static Map<String, Object> withPasswords(Map<String, Object> stored, ObjectClassDefinition definition) {
        Map<String, Object> typed = new HashMap<>(stored);
        if (definition == null) {
            return typed;
        }
        for (AttributeDefinition attribute : definition.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            Object value = stored.get(attribute.getID());
            if (attribute.getType() != AttributeDefinition.PASSWORD || value == null) {
                continue;
            }
            if (value instanceof String[]) {
                String[] texts = (String[]) value;
                Password[] passwords = new Password[texts.length];
                for (int i = 0; i < texts.length; i++) {
                    passwords[i] = new Password(texts[i]);
                }
                typed.put(attribute.getID(), passwords);
            } else if (value instanceof char[]) {
                typed.put(attribute.getID(), new Password((char[]) value));
            } else if (!(value instanceof Password) && !(value instanceof Password[])) {
                typed.put(attribute.getID(), new Password(value.toString()));
            }
        }
        return typed;
    }

    /** What ConfigAdmin stores: Passwords as their text, no null values. */
    static Map<String, Object> forStore(Map<String, Object> properties) {
        Map<String, Object> stored = new HashMap<>();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            Object value = property.getValue();
            if (value instanceof Password) {
                stored.put(property.getKey(), value.toString());
            } else if (value instanceof Password[]) {
                Password[] passwords = (Password[]) value;
                String[] texts = new String[passwords.length];
                for (int i = 0; i < passwords.length; i++) {
                    texts[i] = passwords[i].toString();
                }
                stored.put(property.getKey(), texts);
            } else if (value != null) {
                stored.put(property.getKey(), value);
            }
        }
        return stored;
    }

    /**
     * Encrypts every Password value that does not decrypt already. As in Kura, a Password that cannot be encrypted
     * is dropped from the update (and only its name logged); values of other types, Strings included, pass as
     * they are, so a secret given as a String is stored in clear.
     */
    Map<String, Object> encrypted(Map<String, Object> properties) {
        return eachPassword(properties, this::encrypt, true);
    }

    /** Decrypts every Password value; one that does not decrypt stays as it is, as in Kura. */
    Map<String, Object> decrypted(Map<String, Object> properties) {
        return eachPassword(properties, this::decrypt, false);
    }

    /** What Kura does with a Password it cannot transform: drop it from an update, keep it in a read. */
    private static Map<String, Object> eachPassword(Map<String, Object> properties, PasswordTransform transform,
            boolean dropOnFailure) {
        Map<String, Object> result = new HashMap<>(properties);
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            Object value = property.getValue();
            try {
                if (value instanceof Password) {
                    result.put(property.getKey(), transform.apply((Password) value));
                } else if (value instanceof Password[]) {
                    Password[] passwords = (Password[]) value;
                    Password[] transformed = new Password[passwords.length];
                    for (int i = 0; i < passwords.length; i++) {
                        transformed[i] = transform.apply(passwords[i]);
                    }
                    result.put(property.getKey(), transformed);
                }
            } catch (KuraException e) {
                if (dropOnFailure) {
                    LOG.warn("Failed to encrypt Password property: {}", property.getKey());
                    result.remove(property.getKey());
                }
            }
        }
        return result;
    }

    /** Encrypts or decrypts one Password. */
    private interface PasswordTransform {
        Password apply(Password password) throws KuraException;
    }

    /**
     * The definition's defaults, typed, as Kura seeds them: an empty default gives no property, a Password default
     * is encrypted (kept plain if that fails).
     */
    Map<String, Object> defaults(ObjectClassDefinition definition) {
        Map<String, Object> defaults = new HashMap<>();
        if (definition == null) {
            return defaults;
        }
        for (AttributeDefinition attribute : definition.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            String[] values = attribute.getDefaultValue();
            if (values == null || values.length == 0 || String.join(",", values).isEmpty()) {
                continue;
            }
            try {
                Object typed = AttributeValues.convert(attribute, String.join(",", values));
                defaults.put(attribute.getID(), attribute.getType() == AttributeDefinition.PASSWORD
                        ? encryptDefault(typed) : typed);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring the default of {} in {}: {}", attribute.getID(), definition.getID(), e.getMessage());
            }
        }
        return defaults;
    }

    private Object encryptDefault(Object text) {
        if (text instanceof String[]) {
            String[] texts = (String[]) text;
            Password[] passwords = new Password[texts.length];
            for (int i = 0; i < texts.length; i++) {
                passwords[i] = encryptOrPlain(texts[i]);
            }
            return passwords;
        }
        return encryptOrPlain((String) text);
    }

    private Password encryptOrPlain(String text) {
        try {
            return new Password(this.crypto.encryptAes(text.toCharArray()));
        } catch (KuraException e) {
            return new Password(text);
        }
    }

    private Password encrypt(Password password) throws KuraException {
        try {
            this.crypto.decryptAes(password.getPassword());
            return password;
        } catch (KuraException notYetEncrypted) {
            return new Password(this.crypto.encryptAes(password.getPassword()));
        }
    }

    private Password decrypt(Password password) throws KuraException {
        return new Password(this.crypto.decryptAes(password.getPassword()));
    }
}
