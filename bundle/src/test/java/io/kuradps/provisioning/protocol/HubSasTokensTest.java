package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HubSasTokensTest {

    /** The docs-verified derived key of crypto_vectors.json (group_key_derivation). */
    private static final String DEVICE_KEY = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=";
    private static final String DEVICE_ID = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";

    @Test
    void signsTheDeviceResourceWithoutKeyName() throws Exception {
        // Computed independently with Python's hmac, base64 and urllib.parse.quote(safe='').
        assertThat(HubSasTokens.deviceToken("contoso-hub-1.azure-devices.net", DEVICE_ID, DEVICE_KEY, 1700000000L))
                .isEqualTo("SharedAccessSignature sr=contoso-hub-1.azure-devices.net%2Fdevices%2F" + DEVICE_ID
                        + "&sig=Sx98wISvZh1nTv%2FU00301hghfhfyxOfNzj1T0rBZBk4%3D&se=1700000000")
                .doesNotContain("skn=");
    }

    @Test
    void theSignatureCoversTheExpiryAndTheDevice() throws Exception {
        String token = HubSasTokens.deviceToken("hub.azure-devices.net", "gw-1", DEVICE_KEY, 1700000000L);
        assertThat(HubSasTokens.deviceToken("hub.azure-devices.net", "gw-1", DEVICE_KEY, 1700000001L))
                .isNotEqualTo(token);
        assertThat(HubSasTokens.deviceToken("hub.azure-devices.net", "gw-2", DEVICE_KEY, 1700000000L))
                .isNotEqualTo(token);
    }

    @Test
    void aBadKeyIsNamedNeverQuoted() {
        assertThatThrownBy(() -> HubSasTokens.deviceToken("hub", "gw-1", "not*base64", 1L))
                .isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("deviceKey:")
                .hasMessageNotContaining("not*base64");
    }
}
