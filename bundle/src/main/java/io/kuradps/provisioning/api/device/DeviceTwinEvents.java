package io.kuradps.provisioning.api.device;

/**
 * The EventAdmin topic and property names of desired-property updates. An event is posted after each connect (the
 * whole desired section read with the twin, {@value #FULL} true) and after each update the hub pushes ({@value
 * #FULL} false, {@value #PATCH} the update itself). Updates are delivered in {@code $version} order; stale ones are
 * dropped.
 *
 * <pre>{@code
 * @Component(property = EventConstants.EVENT_TOPIC + "=" + DeviceTwinEvents.TOPIC_DESIRED)
 * public class IntervalListener implements EventHandler {
 *     @Override
 *     public void handleEvent(Event event) {
 *         String desired = (String) event.getProperty(DeviceTwinEvents.DESIRED); // {"telemetryInterval":30}
 *         long version = (Long) event.getProperty(DeviceTwinEvents.VERSION);
 *         // apply what concerns this bundle
 *     }
 * }
 * }</pre>
 */
public final class DeviceTwinEvents {

    /** Posted with every new desired state. */
    public static final String TOPIC_DESIRED = "io/kuradps/provisioning/DeviceTwin/DESIRED";

    /** String: the whole desired section as JSON text, without {@code $version} and {@code $metadata}. */
    public static final String DESIRED = "desired";
    /** Long: its {@code $version}. */
    public static final String VERSION = "version";
    /** Boolean: true when read with the whole twin after a connect, false for a pushed update. */
    public static final String FULL = "full";
    /** String: the pushed update as JSON text (a merge patch: null deletes); absent when {@value #FULL} is true. */
    public static final String PATCH = "patch";
    /** Long: when the gateway received it, epoch milliseconds. */
    public static final String TIMESTAMP = "timestamp";

    private DeviceTwinEvents() {
    }
}
