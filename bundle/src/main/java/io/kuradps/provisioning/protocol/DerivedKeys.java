package io.kuradps.provisioning.protocol;

/** Group-enrollment device keys: each device derives its own key from the group key and its registration id. */
public final class DerivedKeys {

    private DerivedKeys() {
    }

    /** base64(HMAC-SHA256(key = base64decode(groupKey), message = UTF-8(registrationId))). */
    public static String deviceKey(String groupKeyBase64, String registrationId) throws DpsProtocolException {
        return HmacSha256.signBase64(Keys.decode(groupKeyBase64, DpsProtocolException.Field.GROUP_KEY), registrationId);
    }
}
