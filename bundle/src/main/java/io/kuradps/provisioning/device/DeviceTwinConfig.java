package io.kuradps.provisioning.device;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The device twin and methods' form in the Kura web UI; bnd generates OSGI-INF/metatype/{pid}.xml from it. The home
 * of its defaults; {@link DeviceSettings} validates against it.
 */
@ObjectClassDefinition(id = DeviceTwinConfig.PID, name = "Azure IoT Hub device twin and methods",
        description = "The gateway as an IoT Hub device over the hub connection: its provisioning state in the "
                + "device twin's reported properties, direct methods, and desired properties for other bundles and, "
                + "if allowed, for Kura's configuration.")
@interface DeviceTwinConfig {

    String PID = "io.kuradps.provisioning.DeviceTwin";

    @AttributeDefinition(name = "Report the provisioning state",
            description = "Keep the reported property kuraDps up to date: hub, device id, registration id, source, "
                    + "when assigned, the issued certificate's fingerprint and expiry, the bundle's and Kura's "
                    + "versions. Off: kuraDps is removed from the twin.")
    boolean reported_state() default true;

    @AttributeDefinition(name = "Answer direct methods",
            description = "Subscribe to direct methods and answer them: kuraDps.status, kuraDps.reprovision and "
                    + "every DirectMethodHandler service other bundles register. Off: the hub answers callers that "
                    + "the device is not online for methods (404103).")
    boolean direct_methods() default true;

    @AttributeDefinition(name = "Apply desired Kura configuration",
            description = "Apply desired.kuraConfiguration.{pid} through Kura's ConfigurationService to the PIDs "
                    + "listed below (never this bundle's, the hub connection's transport, SSL managers or keystores, "
                    + "nor a Password or secret property), and report the outcome under kuraConfiguration. Whoever "
                    + "may write the twin's desired properties can then change those PIDs: see the README.")
    boolean desired_configuration() default false;

    @AttributeDefinition(name = "PIDs the twin may configure", required = false,
            description = "Comma-separated kura.service.pid values, e.g. org.eclipse.kura.clock.ClockService. "
                    + "Empty: none.")
    String desired_configuration_pids() default "";
}
