package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns once EventAdmin has delivered the events this thread posted before: a private event of its own, posted
 * after them, is heard. EventAdmin delivers the asynchronous events of one thread in the order they were posted,
 * each to all its handlers before the next (Equinox's and Felix's alike), so when the fence arrives, every handler
 * has handled the earlier ones. The hub link needs this after it wrote a keystore: the KeystoreService posts a
 * KeystoreChangedEvent on the writing thread, and Kura's SslManagerServices close every SSL transport when they
 * handle it (kura.md fact 3); a connect made before that would be cut. Bounded; without EventAdmin it returns at once.
 * Thread-safe.
 */
final class EventFence {

    /** The fence's topic: not under the hub link's public topics, so no consumer of its events hears it. */
    static final String TOPIC = "io/kuradps/provisioning/internal/HubLinkFence";
    /** How long the fence waits at most: EventAdmin's own timeout for a slow handler is 5 s (Felix) or none. */
    static final Duration BOUND = Duration.ofSeconds(10);

    private static final String ID = "fence.id";
    private static final Logger LOG = LoggerFactory.getLogger(EventFence.class);

    private final Supplier<EventAdmin> eventAdmin;
    private final AtomicLong posted = new AtomicLong();
    private final Object lock = new Object();
    private long delivered;

    /** @param eventAdmin the EventAdmin bound now, or null */
    EventFence(Supplier<EventAdmin> eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    /** Posts the fence and waits until it is delivered, at most {@link #BOUND}. */
    void await() throws InterruptedException {
        EventAdmin admin = eventAdmin.get();
        if (admin == null) {
            return;
        }
        long id = posted.incrementAndGet();
        admin.postEvent(new Event(TOPIC, Collections.singletonMap(ID, id)));
        long deadline = System.nanoTime() + BOUND.toNanos();
        synchronized (lock) {
            while (delivered < id) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("EventAdmin did not deliver the hub link's fence within {} s; going on",
                            BOUND.getSeconds());
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** The component heard an event on {@link #TOPIC}. */
    void delivered(Event event) {
        Object id = event.getProperty(ID);
        if (id instanceof Long) {
            synchronized (lock) {
                delivered = Math.max(delivered, (Long) id);
                lock.notifyAll();
            }
        }
    }
}
