package io.kuradps.provisioning.api.device;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers one direct method that IoT Hub users invoke on this gateway. Register an implementation as an OSGi
 * service with the property {@value #METHOD_NAME} naming the method; the gateway subscribes to direct methods on
 * its one hub connection and calls the handler registered for the name it receives (the one with the highest
 * service ranking when several are). A call for a name no handler has is answered 404.
 *
 * <p>Time: IoT Hub does not tell the device how long the caller waits (its {@code responseTimeoutInSeconds}, 5 to
 * 300 s, default 30 s, stays on the service side). So each handler says how long it may take, with the property
 * {@value #TIMEOUT_SECONDS} ({@value #MIN_TIMEOUT_SECONDS}..{@value #MAX_TIMEOUT_SECONDS}, default {@value
 * #DEFAULT_TIMEOUT_SECONDS}), and the request carries the resulting {@link MethodRequest#deadline()}. A handler
 * still running then is answered for: 504 with a message; whatever it returns later is dropped. Invoke the method
 * with a {@code responseTimeoutInSeconds} at least this long.
 *
 * <p>Failures: an exception thrown by the handler is answered 500 with {@code {"message": "..."}} naming the
 * method and the exception's class and message, never its stack trace; keep secrets out of exception messages.
 * Payloads both ways are JSON of at most 128 KB (IoT Hub's limit); an answer that is not JSON or is larger is
 * replaced by a 500 saying so.
 *
 * <pre>{@code
 * @Component(property = { DirectMethodHandler.METHOD_NAME + "=reboot",
 *         DirectMethodHandler.TIMEOUT_SECONDS + "=10" })
 * public class RebootMethod implements DirectMethodHandler {
 *     @Override
 *     public MethodResponse invoke(MethodRequest request) {
 *         // request.payloadJson() is e.g. {"delaySeconds":5}; request.deadline() is when the answer is due
 *         scheduleReboot();
 *         return MethodResponse.ok("{\"rebooting\":true}");
 *     }
 * }
 * }</pre>
 * Invoked from the cloud with, e.g., {@code az iot hub invoke-device-method -n {hub} -d {device} --method-name
 * reboot --method-payload '{"delaySeconds":5}' --timeout 10}.
 */
@ConsumerType
public interface DirectMethodHandler {

    /** Service property (String): the method name this handler answers, exactly as invoked. Required. */
    String METHOD_NAME = "kuradps.method.name";
    /** Service property (Integer or a String of digits): how long the handler may take, in seconds. */
    String TIMEOUT_SECONDS = "kuradps.method.timeout.seconds";
    /** IoT Hub's default response timeout for a direct method. */
    int DEFAULT_TIMEOUT_SECONDS = 30;
    /** The shortest and longest response timeouts IoT Hub accepts. */
    int MIN_TIMEOUT_SECONDS = 5;
    int MAX_TIMEOUT_SECONDS = 300;

    /**
     * Runs the method. Called on a thread of the gateway's, never the MQTT client's; may block until the deadline.
     *
     * @return the status (any 0..65535; 200 for success by convention) and the JSON body to answer with
     * @throws Exception answered 500, see above
     */
    MethodResponse invoke(MethodRequest request) throws Exception;
}
