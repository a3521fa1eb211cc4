package io.kuradps.provisioning.hub;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import io.kuradps.provisioning.kura.HubLinkStatus;
import io.kuradps.provisioning.protocol.MqttTransport;

/**
 * The hub link's form in the Kura web UI; bnd generates OSGI-INF/metatype/{pid}.xml from it. The home of the hub
 * link's defaults, bounds and option values: {@link HubLinkSettings} validates against these constants.
 */
@ObjectClassDefinition(id = HubConnectionConfig.PID, name = "Azure IoT Hub connection",
        description = "Connects Kura's MQTT transport to the IoT hub DPS assigned, and keeps its SAS token fresh.")
@interface HubConnectionConfig {

    String PID = HubLinkStatus.COMPONENT_PID;
    /** The MqttDataTransport of Kura's raw MQTT cloud connection, which sends no lifecycle messages IoT Hub refuses. */
    String RAW_MQTT_TRANSPORT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    /** The factory that creates a raw MQTT stack when the transport PID does not exist. */
    String RAW_MQTT_FACTORY_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.factory.RawMqttCloudConnectionFactory";
    int TOKEN_LIFETIME_MIN = 10;
    int TOKEN_LIFETIME_MAX = 31_536_000;
    int TOKEN_LIFETIME_DEFAULT = 3600;
    int RENEWAL_PERCENT_MIN = 50;
    int RENEWAL_PERCENT_MAX = 95;
    int RENEWAL_PERCENT_DEFAULT = 85;

    @AttributeDefinition(name = "Enabled", description = "Connect the transport below to the assigned IoT hub.")
    boolean enabled() default false;

    @AttributeDefinition(name = "MqttDataTransport PID",
            description = "kura.service.pid of the MqttDataTransport to drive. The default is the raw MQTT cloud "
                    + "connection's, which sends no BIRTH/DC messages (IoT Hub refuses them).")
    String transport_service_pid() default RAW_MQTT_TRANSPORT_PID;

    @AttributeDefinition(name = "Create the raw MQTT stack",
            description = "When no transport with that PID exists, create a raw MQTT cloud connection stack "
                    + "through Kura's CloudConnectionFactory.")
    boolean transport_create() default true;

    @AttributeDefinition(name = "Transport", description = "MQTT over TLS (8883) or over secure WebSocket (443).",
            options = {
                @Option(label = "MQTT over TLS (8883)", value = MqttTransport.OPTION_MQTT),
                @Option(label = "MQTT over WebSocket (443)", value = MqttTransport.OPTION_WEBSOCKET) })
    String transport() default MqttTransport.OPTION_MQTT;

    @AttributeDefinition(name = "Hub token lifetime (s)", min = "" + TOKEN_LIFETIME_MIN,
            max = "" + TOKEN_LIFETIME_MAX,
            description = "Lifetime of each device SAS token written as the transport's password.")
    int token_lifetime_seconds() default TOKEN_LIFETIME_DEFAULT;

    @AttributeDefinition(name = "Renew at (% of the lifetime)", min = "" + RENEWAL_PERCENT_MIN,
            max = "" + RENEWAL_PERCENT_MAX,
            description = "A fresh token is written at this share of the lifetime; each renewal costs one reconnect.")
    int token_renewal_percent() default RENEWAL_PERCENT_DEFAULT;

    @AttributeDefinition(name = "IoT Plug and Play model id", required = false,
            description = "Optional DTMI, e.g. dtmi:com:example:Thermostat;1, sent in the MQTT username.")
    String model_id() default "";

    @AttributeDefinition(name = "Add the Azure root CAs to the SSL keystore",
            description = "Add DigiCert Global Root G2 and Microsoft RSA Root CA 2017 to the keystore of the "
                    + "SslManagerService this transport uses (stock Kura's holds only expired roots).")
    boolean azure_root_cas() default false;
}
