package io.kuradps.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SAS token as a device sends it in the MQTT password, parsed the way DPS reads it. The signature covers
 * the {@code sr} text exactly as sent, so every encoding the SDKs use ({@code %2f}, {@code %2F}, bare
 * {@code /}) verifies. Never logged: {@link #toString()} shows the resource and expiry only.
 */
final class SasToken {

    private static final String PREFIX = "SharedAccessSignature ";

    private final String rawResource;
    private final String resource;
    private final String rawExpiry;
    private final long expiryEpochSeconds;
    private final byte[] signature;
    private final String keyName;

    private SasToken(String rawResource, String resource, String rawExpiry, long expiryEpochSeconds,
            byte[] signature, String keyName) {
        this.rawResource = rawResource;
        this.resource = resource;
        this.rawExpiry = rawExpiry;
        this.expiryEpochSeconds = expiryEpochSeconds;
        this.signature = signature;
        this.keyName = keyName;
    }

    /** @throws IllegalArgumentException naming what is wrong (without echoing the token) */
    static SasToken parse(String password) {
        if (!password.startsWith(PREFIX)) {
            throw new IllegalArgumentException("password is not a SharedAccessSignature token");
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : password.substring(PREFIX.length()).split("&")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("SAS token has a field without '='");
            }
            if (fields.put(part.substring(0, equals), part.substring(equals + 1)) != null) {
                throw new IllegalArgumentException("SAS token repeats field " + part.substring(0, equals));
            }
        }
        String rawResource = required(fields, "sr");
        String rawSignature = required(fields, "sig");
        String rawExpiry = required(fields, "se");
        long expiry;
        try {
            expiry = Long.parseLong(rawExpiry);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SAS token se is not a number of seconds", e);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(decode(rawSignature));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SAS token sig is not base64", e);
        }
        String keyName = fields.containsKey("skn") ? decode(fields.get("skn")) : null;
        return new SasToken(rawResource, decode(rawResource), rawExpiry, expiry, signature, keyName);
    }

    /** The resource URI, percent-decoded. */
    String resource() {
        return resource;
    }

    long expiryEpochSeconds() {
        return expiryEpochSeconds;
    }

    /** The key name; null when the token has no skn, empty when it has an empty one. */
    String keyName() {
        return keyName;
    }

    /** True when the signature is HMAC-SHA256 of "sr\nse" (as sent) under the given raw key. */
    boolean isSignedBy(byte[] key) {
        byte[] expected = hmacSha256(key, rawResource + "\n" + rawExpiry);
        return MessageDigest.isEqual(expected, signature);
    }

    static byte[] hmacSha256(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Group enrollment: the device key is HMAC-SHA256(groupKey, registrationId). */
    static byte[] derivedDeviceKey(String groupKeyBase64, String registrationId) {
        return hmacSha256(Base64.getDecoder().decode(groupKeyBase64), registrationId);
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("SAS token lacks " + name);
        }
        return value;
    }

    /** Percent-decoding that keeps '+' (base64 signatures are not form-encoded). */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SAS token has a bad percent-encoding", e);
        }
    }

    @Override
    public String toString() {
        return "SasToken[sr=" + resource + ", se=" + expiryEpochSeconds + "]";
    }
}
