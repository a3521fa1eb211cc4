package io.kuradps.provisioning.hub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;

/**
 * Creates Kura's raw MQTT cloud connection stack for a transport PID. Kura's RawMqttCloudConnectionFactory is asked
 * for the stack by its cloud endpoint PID, {@code ...raw.mqtt.CloudEndpoint} or {@code ...CloudEndpoint-<suffix>},
 * and gives the DataService and MqttDataTransport the same suffix (runtime-support/README.md); so only a transport PID
 * of that form can be created, and its endpoint PID follows from it.
 */
final class RawMqttStack {

    static final String ENDPOINT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint";
    /** The factory's own PID rule for the endpoint ({@code kura.ui.csf.pid.regex}), applied to the transport. */
    private static final Pattern TRANSPORT_PID = Pattern
            .compile(Pattern.quote(HubConnectionConfig.RAW_MQTT_TRANSPORT_PID) + "(-[a-zA-Z0-9]+)?");

    private RawMqttStack() {
    }

    /**
     * The cloud endpoint PID whose stack has this transport.
     *
     * @throws HubConfigurationException naming transport.service.pid when the factory cannot make such a transport
     */
    static String endpointPid(String transportPid) throws HubConfigurationException {
        Matcher matcher = TRANSPORT_PID.matcher(transportPid);
        if (!matcher.matches()) {
            throw HubConfigurationException.noTransport(HubLinkSettings.F_TRANSPORT_PID, "'" + transportPid
                    + "' does not exist, and Kura's raw MQTT cloud connection factory only makes transports named "
                    + HubConnectionConfig.RAW_MQTT_TRANSPORT_PID + " or " + HubConnectionConfig.RAW_MQTT_TRANSPORT_PID
                    + "-<letters and digits>; create the cloud connection by hand or use such a PID");
        }
        return ENDPOINT_PID + (matcher.group(1) == null ? "" : matcher.group(1));
    }

    /**
     * @param factory Kura's RawMqttCloudConnectionFactory, or null when it is not registered
     */
    static void create(CloudConnectionFactory factory, String transportPid) throws Exception {
        String endpoint = endpointPid(transportPid);
        if (factory == null) {
            throw HubConfigurationException.noTransport(HubLinkSettings.F_TRANSPORT_PID, "'" + transportPid
                    + "' does not exist and Kura's raw MQTT cloud connection factory ("
                    + HubConnectionConfig.RAW_MQTT_FACTORY_PID + ") is not registered to create it; install Kura's raw "
                    + "MQTT cloud connection or create the stack");
        }
        factory.createConfiguration(endpoint);
    }
}
