package io.kuradps.runtime.support.cloud;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The properties of Kura 5.0's DataService metatype that the stand-in reads, same ids and defaults. The others
 * (database, housekeeping, rate limit, connection recovery) have nothing to act on here and are left out.
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
}
