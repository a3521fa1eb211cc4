package io.kuradps.provisioning.protocol;

/**
 * The SAS token an IoT hub expects as the MQTT password of a device with a symmetric key: {@code sr} is
 * {@code {hub}/devices/{deviceId}} percent-encoded (uppercase {@code %2F}, as {@link SasTokens} encodes), signed
 * with the device key, and without {@code skn} (a key name would make it a shared access policy token, which a
 * device does not use). The device key is the enrollment's key, or for a group the key derived with
 * {@link DerivedKeys}.
 */
public final class HubSasTokens {

    private HubSasTokens() {
    }

    /**
     * @param deviceKeyBase64 the device's own key (for a group enrollment the derived key)
     * @throws DpsProtocolException naming {@link DpsProtocolException.Field#DEVICE_KEY} when the key is not a
     *                              usable base64 key; never quoting it
     */
    public static String deviceToken(String hub, String deviceId, String deviceKeyBase64, long expiryEpochSeconds)
            throws DpsProtocolException {
        byte[] key = Keys.decode(deviceKeyBase64, DpsProtocolException.Field.DEVICE_KEY);
        String resource = encodedResourceUri(hub, deviceId);
        return "SharedAccessSignature sr=" + resource + "&sig="
                + UrlEncoding.encode(SasTokens.signature(resource, key, expiryEpochSeconds)) + "&se="
                + expiryEpochSeconds;
    }

    static String encodedResourceUri(String hub, String deviceId) {
        return UrlEncoding.encode(hub + "/devices/" + deviceId);
    }
}
