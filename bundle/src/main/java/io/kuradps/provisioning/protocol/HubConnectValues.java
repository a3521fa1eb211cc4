package io.kuradps.provisioning.protocol;

import java.util.Optional;

/**
 * What a device sends an IoT hub over MQTT 3.1.1, as text: the username, the client id and the telemetry topic,
 * and which device ids cannot be used through Kura's MQTT transport.
 */
public final class HubConnectValues {

    /** The IoT Hub MQTT api-version the username names. */
    public static final String API_VERSION = "2021-04-12";

    /** Characters Kura's MqttDataTransport replaces with {@code -} in the client id. */
    static final String REWRITTEN_BY_KURA = "/+#.";

    private HubConnectValues() {
    }

    /**
     * {@code {hub}/{deviceId}/?api-version=2021-04-12}, plus {@code &model-id={percent-encoded DTMI}} for an IoT
     * Plug and Play device.
     *
     * @param modelId null or empty for none
     */
    public static String username(String hub, String deviceId, String modelId) {
        String base = hub + "/" + deviceId + "/?api-version=" + API_VERSION;
        return modelId == null || modelId.isEmpty() ? base : base + "&model-id=" + UrlEncoding.encode(modelId);
    }

    /** The client id IoT Hub expects: the device id itself. */
    public static String clientId(String deviceId) {
        return deviceId;
    }

    /** Where device-to-cloud messages go, without a property bag. */
    public static String telemetryTopic(String deviceId) {
        return "devices/" + deviceId + "/messages/events/";
    }

    /**
     * Why a device id cannot connect through Kura's MQTT transport, or empty when it can. Kura rewrites
     * {@code / + # .} to {@code -} in the client id, and IoT Hub refuses a client id other than the device id.
     */
    public static Optional<String> unusableDeviceId(String deviceId) {
        for (char c : REWRITTEN_BY_KURA.toCharArray()) {
            if (deviceId.indexOf(c) >= 0) {
                return Optional.of("device id '" + deviceId + "' contains '" + c + "': Kura's MqttDataTransport "
                        + "rewrites / + # . to - in the MQTT client id, and IoT Hub accepts only the device id itself "
                        + "as client id, so this device can never connect; give it a device id without these "
                        + "characters (the enrollment's device id, or a registration id without them)");
            }
        }
        return Optional.empty();
    }
}
