package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_PREFIX;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;

/** Gateway restarts and component shutdown. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleIT extends SimulatedDpsSupport {

    @Inject
    private EventAdmin eventAdmin;

    @Test
    public void restartWithDpsDownPublishesTheCachedHub() throws Exception {
        String key = enrollIndividual("gw-restart", HUB_A);
        individual("gw-restart", key).applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned("gw-restart").getProperty(SOURCE));

        // DPS becomes unreachable, then the gateway restarts the bundle.
        simulator.close();
        Bundle bundle = provisioningBundle();
        bundle.stop();
        bundle.start();

        Event cached = awaitAssigned("gw-restart");
        assertEquals("cache", cached.getProperty(SOURCE));
        assertEquals(HUB_A, cached.getProperty(ASSIGNED_HUB));
    }

    @Test
    public void deactivationWhileWaitingForDpsLeavesNoThreadBehind() throws Exception {
        String key = enrollIndividual("gw-deactivate", HUB_A);
        simulator.faults().on(Faults.Trigger.REGISTER).forRegistration("gw-deactivate").inject(Fault.silence());
        warmUpEventDelivery();
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

        individual("gw-deactivate", key).applyTo(configurationAdmin);
        Await.until("the register request reached DPS", STEP,
                () -> simulator.counters().count("gw-deactivate", Counters.EventKind.REGISTER) >= 1);
        List<String> midFlight = namesOfNewThreads(before);
        assertFalse("the component's threads are visible while it waits for DPS", midFlight.isEmpty());
        DpsProvisionerConfiguration.deleteFrom(configurationAdmin);

        // Bounded: every thread started since, apart from the simulator's own, must end within the timeout.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        List<String> leftBehind = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (before.contains(thread) || isSimulatorThread(thread)) {
                continue;
            }
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (thread.isAlive()) {
                leftBehind.add(thread.getName());
            }
        }
        Collections.sort(leftBehind);
        assertEquals("threads left after deactivation (mid-flight: " + midFlight + ")", new ArrayList<String>(),
                leftBehind);
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

    /** EventAdmin starts its delivery thread on first use; start it before counting threads. */
    private void warmUpEventDelivery() throws InterruptedException {
        eventAdmin.postEvent(new Event(TOPIC_PREFIX + "WARMUP", Collections.<String, Object>emptyMap()));
        events.await(TOPIC_PREFIX + "WARMUP", STEP);
    }

    private static boolean isSimulatorThread(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            String name = frame.getClassName();
            if (name.startsWith("io.netty.") || name.startsWith("io.kuradps.simulator.")) {
                return true;
            }
        }
        return false;
    }

    private Bundle provisioningBundle() {
        for (Bundle bundle : context.getBundles()) {
            if ("io.kuradps.provisioning".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("io.kuradps.provisioning is not installed");
    }
}
