package io.kuradps.runtime.support.cloud;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Kura 5.0's MqttDataTransport metatype: the same ids, types and defaults (kura.md lists the ids). */
@ObjectClassDefinition(id = StandInMqttDataTransport.FACTORY_PID, name = "MqttDataTransport (stand-in)",
        description = "One MQTT connection, as Kura's MqttDataTransport makes it.")
@interface MqttDataTransportDefinition {

    @AttributeDefinition(name = "Broker URL", description = "mqtt://, mqtts://, ws:// or wss://")
    String broker$_$url() default "mqtt://broker-url:1883/";

    @AttributeDefinition(name = "Account name", required = false)
    String topic_context_account$_$name() default "account-name";

    @AttributeDefinition(name = "Username", required = false)
    String username() default "username";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
    String password() default "password";

    @AttributeDefinition(name = "Client id", description = "'/', '+', '#' and '.' become '-'; empty: the primary "
            + "MAC address.", required = false)
    String client$_$id() default "";

    @AttributeDefinition(name = "Keep alive (s)")
    int keep$_$alive() default 30;

    @AttributeDefinition(name = "Timeout (s)")
    int timeout() default 10;

    @AttributeDefinition(name = "Clean session")
    boolean clean$_$session() default true;

    @AttributeDefinition(name = "LWT topic", description = "Empty: no will.", required = false)
    String lwt_topic() default "$EDC/#account-name/#client-id/MQTT/LWT";

    @AttributeDefinition(name = "LWT payload", required = false)
    String lwt_payload() default "";

    @AttributeDefinition(name = "LWT QoS", required = false, options = { @Option(label = "0", value = "0"),
            @Option(label = "1", value = "1"), @Option(label = "2", value = "2") })
    int lwt_qos() default 0;

    @AttributeDefinition(name = "LWT retain", required = false)
    boolean lwt_retain() default false;

    @AttributeDefinition(name = "In-flight persistence", options = { @Option(label = "file", value = "file"),
            @Option(label = "memory", value = "memory") })
    String in$_$flight_persistence() default "memory";

    @AttributeDefinition(name = "Protocol version", required = false, options = {
            @Option(label = "3.1", value = "3"), @Option(label = "3.1.1", value = "4") })
    int protocol$_$version() default 4;

    @AttributeDefinition(name = "SslManagerService target filter")
    String SslManagerService_target() default "(kura.service.pid=org.eclipse.kura.ssl.SslManagerService)";
}
