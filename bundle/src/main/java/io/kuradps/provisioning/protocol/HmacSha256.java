package io.kuradps.provisioning.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The one signing primitive DPS uses, both for SAS signatures and for deriving group-enrollment keys. */
final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /** base64(HMAC-SHA256(key, UTF-8(message))). */
    static String signBase64(byte[] key, String message) {
        return Base64.getEncoder().encodeToString(sign(key, message));
    }

    static byte[] sign(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // Every Java platform must provide HmacSHA256; a missing one is a broken runtime, not bad input.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
