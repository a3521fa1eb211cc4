package io.kuradps.runtime.support.cloud;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The properties of Kura 5.5's DataService metatype that the stand-in reads, same ids, types and defaults; these
 * defaults are what a stack made by RawMqttCloudConnectionFactory gets (no auto-connect, 1 message/s). The others
 * (database, housekeeping, connection recovery and schedule, payload size) have nothing to act on here and are
 * left out.
 */
@ObjectClassDefinition(id = StandInDataService.FACTORY_PID, name = "DataService (stand-in)",
        description = "Store and forward over one DataTransportService, as Kura's DataService.")
@interface DataServiceDefinition {

    @AttributeDefinition(name = "Connect automatically", description = "Connect at start and after a loss, "
            + "every retry interval.")
    boolean connect_auto$_$on$_$startup() default false;

    @AttributeDefinition(name = "Retry interval (s)", min = "1")
    int connect_retry$_$interval() default 60;

    @AttributeDefinition(name = "Quiesce timeout (s)")
    int disconnect_quiesce$_$timeout() default 10;

    @AttributeDefinition(name = "Store capacity (messages)", min = "1")
    int store_capacity() default 10000;

    @AttributeDefinition(name = "Republish in-flight messages on a new session")
    boolean in$_$flight$_$messages_republish$_$on$_$new$_$session() default true;

    @AttributeDefinition(name = "Maximum in-flight messages", min = "1")
    int in$_$flight$_$messages_max$_$number() default 9;

    @AttributeDefinition(name = "Rate limit", description = "Hold back messages of priority 5 or more to the "
            + "average rate below.")
    boolean enable_rate_limit() default true;

    @AttributeDefinition(name = "Rate limit: messages per time unit", min = "1")
    int rate_limit_average() default 1;

    @AttributeDefinition(name = "Rate limit: time unit", options = {
        @Option(label = "MILLISECONDS", value = "MILLISECONDS"), @Option(label = "SECONDS", value = "SECONDS"),
        @Option(label = "MINUTES", value = "MINUTES"), @Option(label = "HOURS", value = "HOURS"),
        @Option(label = "DAYS", value = "DAYS") })
    String rate_limit_time_unit() default "SECONDS";

    @AttributeDefinition(name = "Rate limit: burst size (messages)", min = "1")
    int rate_limit_burst_size() default 1;
}
