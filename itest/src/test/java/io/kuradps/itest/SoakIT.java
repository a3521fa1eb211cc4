package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_REQUEST_PROVISION;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Long profile only: re-provisioning cycles in the OSGi runtime, alternately a re-provisioning request and a
 * configuration update that changes the registration (so the worker restarts), each ending in a fresh ASSIGNED.
 * Live threads and heap used after GC are sampled every 100 cycles; they must stay flat (generous bounds), and the
 * figures are printed for the report. Cycles: {@code -Dreliability.soak.cycles} (1,000).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SoakIT extends SimulatedDpsSupport {

    private static final int CYCLES = Integer.getInteger("reliability.soak.cycles", 1000);
    private static final int SAMPLE_EVERY = 100;
    private static final long HEAP_GROWTH_BOUND = 32L * 1024 * 1024;
    private static final int THREAD_GROWTH_BOUND = 3;

    @Inject
    private EventAdmin eventAdmin;

    @Test
    public void threadsAndHeapStayFlatOverManyCycles() throws Exception {
        simulator.close();
        // The register answer is final: a cycle is one connection and one request.
        simulator = startSimulator(b -> b.pollsBeforeAssignment(0));
        String id = "gw-soak";
        String key = enrollIndividual(id, HUB_A);
        individual(id, key).applyTo(configurationAdmin);
        awaitAssigned(id);

        List<String> samples = new ArrayList<>();
        int firstThreads = 0;
        long firstHeap = 0;
        int lastThreads = 0;
        long lastHeap = 0;
        long started = System.nanoTime();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            if (cycle % 2 == 0) {
                eventAdmin.postEvent(new Event(TOPIC_REQUEST_PROVISION, Collections.<String, Object>emptyMap()));
            } else {
                individual(id, key).set("custom.payload", "{\"cycle\":" + cycle + "}").applyTo(configurationAdmin);
            }
            assertEquals("dps", awaitAssigned(id).getProperty(SOURCE));
            if (cycle % SAMPLE_EVERY == 0) {
                // A fresh log, so the test's own record of events does not grow with the cycles.
                events.close();
                events = ProvisioningEventLog.listen(context);
                lastThreads = liveThreadsAfterSettling();
                lastHeap = heapUsedAfterGc();
                if (cycle == SAMPLE_EVERY) {
                    firstThreads = lastThreads;
                    firstHeap = lastHeap;
                }
                samples.add(String.format("%5d cycles: %3d threads, heap after GC %6.1f MB, %5.1f s", cycle,
                        lastThreads, lastHeap / 1048576.0, (System.nanoTime() - started) / 1e9));
            }
        }
        // The simulator keeps only a device's latest events; its totals count them all.
        System.out.println(KuraStack.NAME + " soak, " + CYCLES + " cycles (registers seen by the simulator: "
                + simulator.counters().registers() + "):\n  "
                + String.join("\n  ", samples));
        assertTrue("threads grew: " + samples, lastThreads <= firstThreads + THREAD_GROWTH_BOUND);
        assertTrue("heap grew: " + samples, lastHeap <= firstHeap + HEAP_GROWTH_BOUND);
        assertEquals("one register per cycle, no retries", CYCLES + 1, simulator.counters().registers());
    }

    /** Threads of the finished cycle (Paho's, closing) may still be ending: wait until none of ours but the worker. */
    private static int liveThreadsAfterSettling() {
        Await.within(STEP, () -> {
            for (String name : FaultMatrixIT.providerThreads()) {
                if (!name.equals("kura-dps-provisioner")) {
                    return false;
                }
            }
            return true;
        });
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
