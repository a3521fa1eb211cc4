package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.simulator.Counters;

/**
 * A gateway whose clock reads 1970 (no RTC, no NTP yet): its SAS token expired long ago, DPS answers 401, and the
 * FAILED event must say to check the clock, showing the clock's reading next to the token's expiry.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClockIT extends SimulatedDpsSupport {

    /** Not in the metatype; see DpsProvisioner.CLOCK_OFFSET_SECONDS. */
    private static final String CLOCK_OFFSET = "io.kuradps.provisioning.clock.offset.seconds";

    @Test
    public void clockIn1970GivesAFailureThatSaysToCheckTheClock() throws Exception {
        String key = enrollIndividual("gw-1970", HUB_A);
        // Two days after the epoch, by the gateway's clock.
        long offset = Instant.EPOCH.plus(Duration.ofDays(2)).getEpochSecond() - Instant.now().getEpochSecond();

        individual("gw-1970", key).set(CLOCK_OFFSET, offset).applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-1970");
        String message = (String) failed.getProperty(ERROR_MESSAGE);
        assertNotNull(message);
        System.out.println(KuraStack.NAME + ": FAILED with a 1970 clock: " + message);
        assertTrue("says to set the clock: " + message, message.contains("Set the clock"));
        assertTrue("shows the clock's reading: " + message, message.contains("The device clock reads 1970-01-0"));
        assertTrue("shows the token's expiry: " + message, message.contains("The SAS token expires at 1970-01-0"));
        // Transient: once NTP has set the clock, the same configuration works, so a fresh run is scheduled.
        assertEquals(Boolean.TRUE, failed.getProperty(RETRYABLE));
        assertNotNull(failed.getProperty(RETRY_AT));
        assertEquals("one attempt, no tight loop", 1, simulator.counters().count("gw-1970", Counters.EventKind.CONNECT));
        assertTrue("the event's timestamp is the gateway's clock", Instant.ofEpochMilli(
                ((Number) failed.getProperty("timestamp")).longValue()).atZone(ZoneOffset.UTC).getYear() == 1970);
    }
}
