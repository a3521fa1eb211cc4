package io.kuradps.provisioning.protocol;

import java.util.Base64;

/** Decoding of configured base64 keys; messages name the field and the problem, never the key. */
final class Keys {

    /** DPS generates 32- or 64-byte keys and accepts keys of 16 to 64 bytes. */
    static final int MIN_KEY_BYTES = 16;
    static final int MAX_KEY_BYTES = 64;

    private Keys() {
    }

    static byte[] decode(String base64, DpsProtocolException.Field field) throws DpsProtocolException {
        if (base64 == null || base64.trim().isEmpty()) {
            throw new DpsProtocolException(field, "missing");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character; a key must not leak even partly.
            throw new DpsProtocolException(field, "not valid base64 (copy the primary or secondary key from"
                    + " the enrollment again)");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new DpsProtocolException(field, "decodes to " + key.length + " bytes; DPS keys have "
                    + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes");
        }
        return key;
    }
}
