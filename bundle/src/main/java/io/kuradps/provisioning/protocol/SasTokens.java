package io.kuradps.provisioning.protocol;

/**
 * The SAS token DPS expects as the MQTT password for symmetric-key attestation. The resource URI is encoded with
 * uppercase {@code %2F}; DPS verifies the signature over the {@code sr} text exactly as sent, so the text signed
 * and the text sent are one and the same string.
 */
public final class SasTokens {

    static final String KEY_NAME = "registration";

    private SasTokens() {
    }

    public static String create(String idScope, String registrationId, String deviceKeyBase64,
            long expiryEpochSeconds) throws DpsProtocolException {
        return create(idScope, registrationId, Keys.decode(deviceKeyBase64, DpsProtocolException.Field.DEVICE_KEY), expiryEpochSeconds);
    }

    static String create(String idScope, String registrationId, byte[] deviceKey, long expiryEpochSeconds) {
        return token(encodedResourceUri(idScope, registrationId), deviceKey, expiryEpochSeconds);
    }

    static String encodedResourceUri(String idScope, String registrationId) {
        return UrlEncoding.encode(idScope + "/registrations/" + registrationId);
    }

    /** Signs and formats a token for an already encoded {@code sr}, whichever encoding it uses. */
    static String token(String encodedResourceUri, byte[] deviceKey, long expiryEpochSeconds) {
        String signature = signature(encodedResourceUri, deviceKey, expiryEpochSeconds);
        return "SharedAccessSignature sr=" + encodedResourceUri + "&sig=" + UrlEncoding.encode(signature) + "&se="
                + expiryEpochSeconds + "&skn=" + KEY_NAME;
    }

    static String signature(String encodedResourceUri, byte[] deviceKey, long expiryEpochSeconds) {
        return HmacSha256.signBase64(deviceKey, encodedResourceUri + "\n" + expiryEpochSeconds);
    }
}
