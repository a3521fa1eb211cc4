package io.kuradps.provisioning.hub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Kura's raw MQTT cloud connection stack for a transport PID. Kura's RawMqttCloudConnectionFactory is asked
 * for the stack by its cloud endpoint PID, {@code ...raw.mqtt.CloudEndpoint} or {@code ...CloudEndpoint-<suffix>},
 * and gives the DataService and MqttDataTransport the same suffix (runtime-support/README.md); so only a transport PID
 * of that form can be created, and its endpoint PID follows from it. The factory leaves the DataService with its
 * metatype defaults (kura.md fact 7), which do not suit IoT Hub; {@link #DATA_SERVICE_SETTINGS} are written over
 * them before anything connects (why: the bundle's README, "The hub link").
 */
final class RawMqttStack {

    static final String ENDPOINT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint";
    static final String DATA_SERVICE_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.DataService";
    /**
     * What the hub link writes to the DataService of a stack it creates (ids of Kura's DataService metatype):
     * <ul>
     * <li>no auto-connect, as by default: the hub link is the only party that connects, with a token it just wrote
     * and its own waits ({@link ReconnectBackoff}); Kura's reconnect task tries every {@code connect.retry-interval}
     * with whatever token the transport holds, and with it on a transport update is followed by that task instead of
     * a reconnect;</li>
     * <li>the rate limit kept on, at 100 messages a second with bursts of 100, instead of 1 a second: IoT Hub's
     * smallest paid hub takes 100 device-to-cloud sends a second from all its devices together, so one gateway has no
     * use for more, and a gateway held to 1 a second falls behind as soon as it sends more.</li>
     * </ul>
     */
    static final Map<String, Object> DATA_SERVICE_SETTINGS;

    static {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("connect.auto-on-startup", Boolean.FALSE);
        settings.put("enable.rate.limit", Boolean.TRUE);
        settings.put("rate.limit.average", 100);
        settings.put("rate.limit.time.unit", "SECONDS");
        settings.put("rate.limit.burst.size", 100);
        DATA_SERVICE_SETTINGS = Collections.unmodifiableMap(settings);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RawMqttStack.class);
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

    /** The PID of the DataService in the stack of this transport (a PID {@link #endpointPid} accepts). */
    static String dataServicePid(String transportPid) {
        return DATA_SERVICE_PID + transportPid.substring(HubConnectionConfig.RAW_MQTT_TRANSPORT_PID.length());
    }

    /**
     * Creates the stack and writes {@link #DATA_SERVICE_SETTINGS} to its DataService. Kura's factory creates the
     * configurations through the ConfigurationService, which tracks each from that call on (kura.md fact 2).
     *
     * @param factory Kura's RawMqttCloudConnectionFactory, or null when it is not registered
     */
    static void create(CloudConnectionFactory factory, ConfigurationService configurationService,
            String transportPid) throws Exception {
        String endpoint = endpointPid(transportPid);
        if (factory == null) {
            throw HubConfigurationException.noTransport(HubLinkSettings.F_TRANSPORT_PID, "'" + transportPid
                    + "' does not exist and Kura's raw MQTT cloud connection factory ("
                    + HubConnectionConfig.RAW_MQTT_FACTORY_PID + ") is not registered to create it; install Kura's raw "
                    + "MQTT cloud connection or create the stack");
        }
        factory.createConfiguration(endpoint);
        String dataService = dataServicePid(transportPid);
        configurationService.updateConfiguration(dataService, DATA_SERVICE_SETTINGS, false);
        ComponentConfiguration written = configurationService.getComponentConfiguration(dataService);
        Map<String, Object> now = written == null ? null : written.getConfigurationProperties();
        boolean taken = now != null && DATA_SERVICE_SETTINGS.entrySet().stream()
                .allMatch(e -> TransportProperties.same(now.get(e.getKey()), e.getValue()));
        if (taken) {
            LOG.info("Created the raw MQTT stack of {}; its DataService {} has {}", transportPid, dataService,
                    DATA_SERVICE_SETTINGS);
        } else {
            LOG.warn("Created the raw MQTT stack of {}, but its DataService {} did not take {} (Kura's metatype "
                    + "defaults stay: telemetry at 1 message/s); set them in the DataService's configuration",
                    transportPid, dataService, DATA_SERVICE_SETTINGS);
        }
    }
}
