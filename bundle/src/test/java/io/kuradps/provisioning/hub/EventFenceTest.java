package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.testing.Await;

class EventFenceTest {

    private final List<Event> posted = new CopyOnWriteArrayList<>();
    private EventFence fence;

    /** EventAdmin delivering each event after the ones posted before it, on a thread of its own. */
    private final EventAdmin eventAdmin = (EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] { EventAdmin.class }, (proxy, method, args) -> {
                Event event = (Event) args[0];
                posted.add(event);
                new Thread(() -> fence.delivered(event), "EventAdmin").start();
                return null;
            });

    @Test
    void theFenceReturnsOnceItsOwnEventIsDelivered() {
        fence = new EventFence(() -> eventAdmin);

        assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT, fence::await);
        assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT, fence::await);

        assertThat(posted).hasSize(2).allSatisfy(e -> assertThat(e.getTopic()).isEqualTo(EventFence.TOPIC));
        assertThat(EventFence.TOPIC).as("no consumer of the hub link's events hears it")
                .doesNotStartWith("io/kuradps/provisioning/HubConnection/");
    }

    @Test
    void withoutEventAdminThereIsNothingToWaitFor() {
        fence = new EventFence(() -> null);

        assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT, fence::await);
        assertThat(posted).isEmpty();
    }
}
