package io.kuradps.itest;

import static org.junit.Assert.assertEquals;

import java.util.Collections;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.kuradps.simulator.Twin;

/**
 * The twin after a Kura reboot ({@link GatewayReboot}: storage and ConfigAdmin wiped, the snapshot restored, the
 * bundle installed afresh): the gateway comes back from its cached assignment, reconnects, reads the twin again and
 * reports what changed, the source now {@code cache}. Its own class: after a reboot the probe's view of the bundle's
 * API is the first boot's. The Kura is headless, as most gateways are: nothing posts the configuration READY, and
 * the twin does not wait for it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeviceTwinRebootIT extends DeviceTwinSupport {

    @Override
    protected boolean kuraHasWebConsole() {
        return false;
    }

    @Test
    public void afterARebootTheTwinHoldsTheStateFromTheCache() throws Exception {
        String key = enrollIndividual("gw-twin-reboot", HUB_A);
        provisionThenLink(individual("gw-twin-reboot", key), "gw-twin-reboot", Collections.emptyMap());
        Twin before = awaitReportedState("gw-twin-reboot", HUB_A);
        assertEquals("dps", before.reportedAt("kuraDps", "source").get());

        GatewayReboot.reboot(context, configurationAdmin);

        Twin after = awaitTwin("gw-twin-reboot", "kuraDps.source = cache",
                twin -> twin.reportedAt("kuraDps", "source").filter("cache"::equals).isPresent());
        assertEquals(HUB_A, after.reportedAt("kuraDps", "hub").get());
        assertEquals(before.reportedAt("kuraDps", "assignedAt"), after.reportedAt("kuraDps", "assignedAt"));
        assertNoSecret(after.document(), key);
    }
}
