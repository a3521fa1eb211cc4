package io.kuradps.provisioning.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The two ways DPS and IoT Hub take MQTT: over TLS on port 8883, or over secure WebSocket on port 443 at the path
 * Azure's SDKs use. The home of the {@code transport} option values both components' forms offer, their default
 * ports and the WebSocket path.
 */
public enum MqttTransport {
    MQTT(MqttTransport.OPTION_MQTT, 8883),
    MQTT_WEBSOCKET(MqttTransport.OPTION_WEBSOCKET, 443);

    /** The option value of MQTT over TLS; a constant, so the metatype annotations can name it. */
    public static final String OPTION_MQTT = "mqtt";
    /** The option value of MQTT over secure WebSocket. */
    public static final String OPTION_WEBSOCKET = "mqtt-websocket";
    /** The path of MQTT over WebSocket at DPS and IoT Hub (the Azure C and Python SDKs use it). */
    public static final String WEBSOCKET_PATH = "/$iothub/websocket";

    private final String option;
    private final int defaultPort;

    MqttTransport(String option, int defaultPort) {
        this.option = option;
        this.defaultPort = defaultPort;
    }

    /** The value a configuration holds for this transport. */
    public String option() {
        return option;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public boolean webSocket() {
        return this == MQTT_WEBSOCKET;
    }

    /**
     * The transport a configuration value names.
     *
     * @throws IllegalArgumentException naming the value and the options
     */
    public static MqttTransport ofOption(String value) {
        List<String> options = new ArrayList<>();
        for (MqttTransport transport : values()) {
            if (transport.option.equals(value)) {
                return transport;
            }
            options.add(transport.option);
        }
        throw new IllegalArgumentException("'" + value + "' is not one of " + String.join(", ", options));
    }
}
