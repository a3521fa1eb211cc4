package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.composite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DpsSimulator;

/**
 * A gateway whose clock is wrong but recent, as one without an RTC boots with the time it saved months ago, in
 * Kura's framework against the simulator (which goes by the real time): behind, ahead, and with a server
 * certificate outside its dates, until Kura's clock service says it has set the clock.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClockSkewIT extends SimulatedDpsSupport {

    /** Not in the metatype; see DpsProvisioner.CLOCK_OFFSET_SECONDS. */
    private static final String CLOCK_OFFSET = "io.kuradps.provisioning.clock.offset.seconds";
    /** org.eclipse.kura.clock.ClockEvent.CLOCK_EVENT_TOPIC, posted by Kura's clock service after it set the clock. */
    private static final String KURA_CLOCK_TOPIC = "org/eclipse/kura/clock";
    private static final Duration HALF_YEAR = Duration.ofDays(183);

    @Inject
    private EventAdmin eventAdmin;

    @Override
    @Configuration
    public Option[] configuration() {
        // BouncyCastle makes the expired server certificate; it comes from the class path as the simulator does.
        return new Option[] { composite(super.configuration()), bootDelegationPackages("org.bouncycastle.*") };
    }

    @Test
    public void clockHalfAYearBehindIsProvisionedBeforeNtpHasRun() throws Exception {
        String key = enrollIndividual("gw-behind", HUB_A);
        individual("gw-behind", key).set(CLOCK_OFFSET, -HALF_YEAR.getSeconds()).applyTo(configurationAdmin);

        Event retrying = awaitEvent(TOPIC_RETRYING, "gw-behind");
        String message = (String) retrying.getProperty(ERROR_MESSAGE);
        System.out.println(KuraStack.NAME + ": RETRYING with a clock half a year behind: " + message);
        assertContains(message, "DPS refused the SAS token because the device clock is wrong");
        assertContains(message, "The device clock reads " + yearsAndMonth(Instant.now().minus(HALF_YEAR)));
        assertContains(message, "it is 183 days 0 h behind");
        assertContains(message, "The next attempt signs its token by DPS's time");

        assertEquals("dps", awaitAssigned("gw-behind").getProperty(SOURCE));
        assertEquals("refused once, then accepted", 2, simulator.counters().count("gw-behind",
                Counters.EventKind.CONNECT));
    }

    @Test
    public void clockHalfAYearAheadIsAcceptedAndMeasuredForTheTokensThatFollow() throws Exception {
        String key = enrollIndividual("gw-ahead", HUB_A);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            individual("gw-ahead", key).set(CLOCK_OFFSET, HALF_YEAR.getSeconds()).applyTo(configurationAdmin);

            assertEquals("dps", awaitAssigned("gw-ahead").getProperty(SOURCE));
            assertEquals(1, simulator.counters().count("gw-ahead", Counters.EventKind.CONNECT));
            Await.until("the measured clock offset is logged", STEP,
                    () -> log.text().contains("it is 183 days 0 h ahead"));
            assertContains(log.text(), "signed by DPS's time");
        }
    }

    @Test
    public void clockInThe1970sIsProvisionedBeforeNtpHasRun() throws Exception {
        String key = enrollIndividual("gw-epoch", HUB_A);
        long offset = Instant.EPOCH.plus(Duration.ofDays(2)).getEpochSecond() - Instant.now().getEpochSecond();
        individual("gw-epoch", key).set(CLOCK_OFFSET, offset).applyTo(configurationAdmin);

        String message = (String) awaitEvent(TOPIC_RETRYING, "gw-epoch").getProperty(ERROR_MESSAGE);
        assertContains(message, "The device clock reads 1970-01-0");
        assertContains(message, "The SAS token expires at 1970-01-0");
        assertContains(message, "Set the clock");
        assertEquals("dps", awaitAssigned("gw-epoch").getProperty(SOURCE));
    }

    @Test
    public void certificateOutsideItsDatesIsTriedAgainAtOnceWhenKuraSetsTheClock() throws Exception {
        String id = "gw-cert";
        String key = enrollIndividual(id, HUB_A);
        TestServerCertificates certificates = new TestServerCertificates();
        Instant now = Instant.now();
        String[] expired = certificates.server("localhost", now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofDays(1)));
        DpsSimulator wrong = startSimulator(b -> b.serverCertificate(expired[0], expired[1]));
        try {
            Path ca = workDirectory.resolve(id + "-ca.pem");
            Files.write(ca, certificates.caPem().getBytes(StandardCharsets.US_ASCII));
            individual(id, key).set("global.endpoint", "localhost:" + wrong.mqttPort()).set("ca.file", ca.toString())
                    .applyTo(configurationAdmin);

            // Nothing has confirmed the device clock: it may be what makes the certificate look expired.
            Event suspected = awaitEvent(TOPIC_FAILED, id);
            assertContains((String) suspected.getProperty(ERROR_MESSAGE), "expired by the device clock");
            assertContains((String) suspected.getProperty(ERROR_MESSAGE), "the device clock may be wrong");
            assertEquals(Boolean.TRUE, suspected.getProperty(RETRYABLE));
            long scheduled = ((Number) suspected.getProperty(RETRY_AT)).longValue();

            eventAdmin.postEvent(new Event(KURA_CLOCK_TOPIC, Collections.<String, Object>emptyMap()));

            Event started = awaitEvent(TOPIC_STARTED, id);
            assertTrue("ran at once, not at the scheduled " + Instant.ofEpochMilli(scheduled),
                    ((Number) started.getProperty("timestamp")).longValue() < scheduled);
            // Now the clock is known to be right, so the certificate itself is at fault: nothing to retry.
            Event confirmed = awaitEvent(TOPIC_FAILED, id);
            assertContains((String) confirmed.getProperty(ERROR_MESSAGE), "set by Kura's clock service");
            assertContains((String) confirmed.getProperty(ERROR_MESSAGE), "trusted root certificates");
            assertEquals(Boolean.FALSE, confirmed.getProperty(RETRYABLE));
            assertEquals("two TLS attempts, no MQTT CONNECT", 2, wrong.counters().connections());
            assertEquals(0, wrong.counters().connects());
        } finally {
            wrong.close();
        }
    }

    /** "2026-06-" for an instant in June 2026: the reading shown, without the seconds that pass meanwhile. */
    private static String yearsAndMonth(Instant instant) {
        return instant.toString().substring(0, "2026-06-".length());
    }

    private static void assertContains(String text, String part) {
        assertNotNull(text);
        assertTrue("\"" + part + "\" in: " + text, text.contains(part));
    }
}
