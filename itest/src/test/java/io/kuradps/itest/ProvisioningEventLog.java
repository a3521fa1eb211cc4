package io.kuradps.itest;

import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.kuradps.provisioning.api.ProvisioningEvents;

/**
 * Records every provisioning event (or those of the topics given, e.g. the hub link's), in order, and lets a test
 * wait (bounded) for the one it expects.
 */
public final class ProvisioningEventLog implements EventHandler, AutoCloseable {

    private final BlockingQueue<Event> pending = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final List<Event> recorded = new ArrayList<>();
    private final ServiceRegistration<EventHandler> registration;

    /** Topics are shown without this, the prefix every topic of the bundle's has. */
    private static final String BUNDLE_TOPICS = "io/kuradps/provisioning/";

    private ProvisioningEventLog(BundleContext context, String[] topics) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topics);
        registration = context.registerService(EventHandler.class, this, properties);
    }

    public static ProvisioningEventLog listen(BundleContext context) {
        return listen(context, ProvisioningEvents.TOPIC_ALL);
    }

    public static ProvisioningEventLog listen(BundleContext context, String... topics) {
        return new ProvisioningEventLog(context, topics);
    }

    @Override
    public void handleEvent(Event event) {
        pending.add(event);
    }

    /**
     * Returns the first event not consumed yet on {@code topic} that matches; events before it are consumed.
     * Fails, listing what did arrive, when none comes within the timeout.
     */
    public Event await(String topic, Predicate<Event> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left > 0 ? pending.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                fail("no matching " + topic + " within " + timeout + "; events seen: " + seen);
            }
            record(event);
            if (event.getTopic().equals(topic) && matching.test(event)) {
                return event;
            }
        }
    }

    public Event await(String topic, Duration timeout) throws InterruptedException {
        return await(topic, e -> true, timeout);
    }

    /** The next event of any topic within the timeout, or null when none came (a bounded wait, not a sleep). */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = pending.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (event != null) {
            record(event);
        }
        return event;
    }

    private void record(Event event) {
        seen.add(describe(event));
        recorded.add(event);
    }

    /** The events consumed so far (by await or next), in order of arrival. */
    public List<Event> recorded() {
        return new ArrayList<>(recorded);
    }

    public List<String> seen() {
        return new ArrayList<>(seen);
    }

    /** Every event so far, awaited or not (those not awaited are consumed), for a failure message. */
    public List<String> seenSoFar() {
        for (Event event = pending.poll(); event != null; event = pending.poll()) {
            record(event);
        }
        return seen();
    }

    private static String describe(Event event) {
        String topic = event.getTopic();
        StringBuilder text = new StringBuilder(topic.startsWith(ProvisioningEvents.TOPIC_PREFIX)
                ? topic.substring(ProvisioningEvents.TOPIC_PREFIX.length())
                : topic.substring(topic.startsWith(BUNDLE_TOPICS) ? BUNDLE_TOPICS.length() : 0));
        text.append('{');
        for (String name : event.getPropertyNames()) {
            if (!name.equals(EventConstants.EVENT_TOPIC)) {
                text.append(name).append('=').append(event.getProperty(name)).append(", ");
            }
        }
        return text.append('}').toString();
    }

    @Override
    public void close() {
        registration.unregister();
    }
}
