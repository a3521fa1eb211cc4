package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_PREFIX;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;

/** Gateway reboots (as Kura starts: framework storage wiped, Kura's data directory kept) and component shutdown. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleIT extends SimulatedDpsSupport {

    /** So long that a thread ending only when its response timer fires is caught. */
    private static final int RESPONSE_TIMEOUT_SECONDS = 120;
    private static final int DEADLINE_SECONDS = 600;
    private static final Duration THREADS_END_WITHIN = Duration.ofSeconds(15);
    /** The provisioner's log line when a valid cache makes it leave DPS alone (Provisioner.start). */
    private static final String LEAVES_DPS_ALONE = "not contacting DPS";

    @Inject
    private EventAdmin eventAdmin;

    @Test
    public void everyRebootWithDpsDownPublishesTheCachedHub() throws Exception {
        String key = enrollIndividual("gw-restart", HUB_A);
        individual("gw-restart", key).applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned("gw-restart").getProperty(SOURCE));

        // DPS becomes unreachable, then the gateway reboots, twice: the first start from the cache keeps it too.
        simulator.close();
        rebootAndAwaitCachedHub("gw-restart", HUB_A);
        rebootAndAwaitCachedHub("gw-restart", HUB_A);
        KuraDataDirectory.assertCacheHolds(context, "gw-restart", HUB_A);
    }

    @Test
    public void withAValidCacheTheOnlyWithoutCachePolicyLeavesDpsAlone() throws Exception {
        String key = enrollIndividual("gw-cache-policy", HUB_B);
        individual("gw-cache-policy", key).set("reprovision.policy", "without-valid-cache")
                .applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned("gw-cache-policy").getProperty(SOURCE));

        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            rebootAndAwaitCachedHub("gw-cache-policy", HUB_B);
            // What proves that no registration follows: the provisioner's decision, which it logs after the cached
            // ASSIGNED, where a registration would post STARTED instead.
            Await.until("the provisioner logged that it leaves DPS alone", STEP,
                    () -> log.text().contains(LEAVES_DPS_ALONE));
        }
        assertEquals("events after the cached hub: " + events.seen(), null, events.next(Duration.ZERO));
        assertEquals(1, simulator.counters().count("gw-cache-policy", Counters.EventKind.CONNECT));
    }

    @Test
    public void deactivationWhileWaitingForDpsLeavesNoThreadBehind() throws Exception {
        String key = enrollIndividual("gw-deactivate", HUB_A);
        simulator.faults().on(Faults.Trigger.REGISTER).forRegistration("gw-deactivate").inject(Fault.silence());
        warmUpEventDelivery();
        Set<Thread> before = liveThreads();

        individual("gw-deactivate", key)
                .set("response.timeout.seconds", RESPONSE_TIMEOUT_SECONDS).set("deadline.seconds", DEADLINE_SECONDS)
                .applyTo(configurationAdmin);
        Await.until("the register request reached DPS", STEP,
                () -> simulator.counters().count("gw-deactivate", Counters.EventKind.REGISTER) >= 1);

        assertDeactivationEndsEveryNewThread(before);
    }

    @Test
    public void deactivationDuringTheTlsHandshakeLeavesNoThreadBehind() throws Exception {
        warmUpEventDelivery();
        // A DPS endpoint that accepts the TCP connection and then never answers the TLS handshake.
        try (ServerSocket mute = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(mute.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            }, "itest-mute-dps");
            acceptor.start();
            Set<Thread> before = liveThreads();

            individual("gw-handshake", newKey())
                    .set("global.endpoint", "127.0.0.1:" + mute.getLocalPort())
                    .set("response.timeout.seconds", RESPONSE_TIMEOUT_SECONDS).set("deadline.seconds", DEADLINE_SECONDS)
                    .applyTo(configurationAdmin);
            Socket connection = accepted.poll(STEP.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull("the component connected", connection);
            try {
                assertDeactivationEndsEveryNewThread(before);
            } finally {
                connection.close();
            }
        }
    }

    /**
     * Deletes the configuration and checks, with a bounded wait far shorter than the response timeout, that
     * every thread started since {@code before} apart from the simulator's own has ended (framework threads
     * started meanwhile, such as ConfigAdmin's event queue, idle out within a few seconds too).
     */
    private void assertDeactivationEndsEveryNewThread(Set<Thread> before) throws Exception {
        List<String> midFlight = namesOfNewThreads(before);
        assertFalse("the component's threads are visible while it waits", midFlight.isEmpty());
        long deleted = System.nanoTime();
        DpsProvisionerConfiguration.deleteFrom(configurationAdmin);

        List<Thread> watched = new ArrayList<>();
        for (Thread thread : liveThreads()) {
            if (!before.contains(thread) && !isSimulatorThread(thread)) {
                watched.add(thread);
            }
        }
        Map<String, Long> endedAfterMillis = new TreeMap<>();
        Await.within(THREADS_END_WITHIN, () -> {
            for (Thread thread : watched) {
                if (!thread.isAlive()) {
                    endedAfterMillis.putIfAbsent(thread.getName(), (System.nanoTime() - deleted) / 1_000_000);
                }
            }
            return endedAfterMillis.size() == watched.size();
        });
        // A figure for the report, not an assertion.
        System.out.println(KuraStack.NAME + ": ms from the configuration's deletion to each thread's end "
                + endedAfterMillis);
        List<String> leftBehind = new ArrayList<>();
        for (Thread thread : watched) {
            if (thread.isAlive()) {
                leftBehind.add(thread.getName());
            }
        }
        Collections.sort(leftBehind);
        assertEquals("threads left after deactivation (mid-flight: " + midFlight + ")", new ArrayList<String>(),
                leftBehind);
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    private static List<String> namesOfNewThreads(Set<Thread> before) {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(thread) && !isSimulatorThread(thread)) {
                names.add(thread.getName());
            }
        }
        Collections.sort(names);
        return names;
    }

    /** Reboots the gateway as Kura does (storage wiped, snapshot restored) and expects the cached hub published. */
    private void rebootAndAwaitCachedHub(String registrationId, String hub) throws Exception {
        GatewayReboot.reboot(context, configurationAdmin);
        Event cached = awaitAssigned(registrationId);
        assertEquals("after a reboot, the assignment comes from", "cache", cached.getProperty(SOURCE));
        assertEquals(hub, cached.getProperty(ASSIGNED_HUB));
    }

    /** EventAdmin starts its delivery thread on first use; start it before counting threads. */
    private void warmUpEventDelivery() throws InterruptedException {
        eventAdmin.postEvent(new Event(TOPIC_PREFIX + "WARMUP", Collections.<String, Object>emptyMap()));
        events.await(TOPIC_PREFIX + "WARMUP", STEP);
    }

    /** The simulator runs on Netty event loops (named by Netty's default factory, and Netty code on the stack). */
    private static boolean isSimulatorThread(Thread thread) {
        if (thread.getName().startsWith("nioEventLoopGroup-")) {
            return true;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            String name = frame.getClassName();
            if (name.startsWith("io.netty.") || name.startsWith("io.kuradps.simulator.")) {
                return true;
            }
        }
        return false;
    }
}
