package io.kuradps.itest;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a test needs to know of SAS tokens to write one by hand or to look for one where it must not be: the
 * HMAC-SHA256 of a message under a base64 key, and the device token IoT Hub takes as the MQTT password
 * (kura.md, "Kura's own cloud connection": {@code sr={hub}/devices/{deviceId}} URL-encoded, no {@code skn}).
 */
public final class HubTokens {

    private HubTokens() {
    }

    /** Base64 of HMAC-SHA256({@code message}) under the base64 {@code key}; also how a group key derives a device's. */
    public static String hmac(String base64Key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** The device SAS token for {@code {hub}/devices/{deviceId}}, valid until {@code expiry}. */
    public static String deviceToken(String hub, String deviceId, String base64Key, Instant expiry)
            throws GeneralSecurityException {
        String resource = urlEncoded(hub + "/devices/" + deviceId);
        long se = expiry.getEpochSecond();
        return "SharedAccessSignature sr=" + resource + "&sig=" + urlEncoded(hmac(base64Key, resource + "\n" + se))
                + "&se=" + se;
    }

    public static String urlDecoded(String text) {
        try {
            return URLDecoder.decode(text, "UTF-8");
        } catch (UnsupportedEncodingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static String urlEncoded(String text) {
        try {
            return URLEncoder.encode(text, "UTF-8");
        } catch (UnsupportedEncodingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
