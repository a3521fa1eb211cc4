package io.kuradps.provisioning.protocol;

import static io.kuradps.provisioning.protocol.FlowDriver.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A gateway whose clock is wrong but recent (no RTC, the time saved at the last shutdown), ahead of DPS's and
 * behind it: DPS's answers carry its time, and the flow signs its next token by it instead of failing for good.
 */
class ClockSkewFlowTest {

    /** DPS's clock in these scenarios. */
    private static final Instant DPS = Instant.parse("2026-12-01T20:35:10Z");
    /** The device clock of a gateway that booted with the time it saved half a year ago. */
    private static final Instant BEHIND = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant AHEAD = DPS.plus(Duration.ofDays(183));
    private static final Duration LIFETIME = RegistrationSettings.DEFAULT_SAS_LIFETIME;

    @Test
    void aClockBehindGetsItsTokenRefusedOnceThenSignsByDpssTimeAndIsAssigned() throws Exception {
        FlowDriver driver = registeredAt(BEHIND);
        List<FlowAction> refused = driver.respond(401, "", error(401000, DPS));

        FlowAction.Retrying retrying = only(refused, FlowAction.Retrying.class);
        assertThat(refused.get(0)).as("a new token needs a new connection").isInstanceOf(FlowAction.Disconnect.class);
        Failure cause = retrying.cause();
        assertThat(cause.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(cause.retryable()).isTrue();
        assertThat(cause.clockSuspected()).isTrue();
        assertThat(cause.explanation()).startsWith("DPS refused the SAS token because the device clock is wrong.")
                .contains("The device clock reads 2026-06-01T00:00:00Z, DPS's 2026-12-01T20:35:10Z: it is 183 days"
                        + " 20 h behind", "The SAS token expires at 2026-06-01T01:00:00Z, already past by DPS's"
                        + " clock", "The next attempt signs its token by DPS's time", "NTP",
                        "If DPS refuses the next token too, check: the symmetric key")
                .doesNotContain("Nothing changes");
        assertThat(retrying.retryAt()).isBefore(BEHIND.plus(Duration.ofMinutes(1)));

        FlowAction.Connect again = only(driver.fireTimer(), FlowAction.Connect.class);
        assertThat(again.request().sasExpiry()).as("signed by DPS's time")
                .isEqualTo(driver.clock.instant().plus(Duration.between(BEHIND, DPS)).plus(LIFETIME));
        assertThat(driver.serviceClock.offset()).isEqualTo(Duration.between(BEHIND, DPS));
        assertAssigned(driver);
    }

    @Test
    void aClockAheadIsCorrectedTooAndARefusalByDpssTimeIsThenTheCredentials() throws Exception {
        FlowDriver driver = registeredAt(AHEAD);
        Failure first = only(driver.respond(401, "", error(401000, DPS)), FlowAction.Retrying.class).cause();
        assertThat(first.clockSuspected()).isTrue();
        assertThat(first.explanation()).contains("it is 183 days 0 h ahead",
                "further ahead of DPS's clock than it was meant to be");

        FlowAction.Connect again = only(driver.fireTimer(), FlowAction.Connect.class);
        Instant dpsNow = driver.clock.instant().plus(Duration.between(AHEAD, DPS));
        assertThat(again.request().sasExpiry()).isEqualTo(dpsNow.plus(LIFETIME));
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {1}));
        List<FlowAction> ended = driver.respond(401, "", error(401000, dpsNow));

        Failure failure = only(ended, FlowAction.Fail.class).failure();
        assertThat(failure.retryable()).as("the clock is settled; the key is wrong").isFalse();
        assertThat(failure.clockSuspected()).isFalse();
        assertThat(failure.explanation()).startsWith("DPS rejected the device's credentials. Check: the symmetric key")
                .contains("The token was signed by DPS's time, so the clock is not the cause", "183 days 0 h ahead",
                        "Nothing changes until");
    }

    @Test
    void aClockAheadThatDpsAcceptsIsMeasuredFromTheAssignmentForTheNextTokens() throws Exception {
        ServiceClock shared = new ServiceClock(new FakeClock(AHEAD));
        FlowDriver first = new FlowDriver(FlowDriver.settings(), shared, 1L);
        first.connectAndRegister();
        first.respond(202, "&retry-after=1", FlowDriver.assigning());
        first.fireTimer();
        Instant dpsNow = first.clock.instant().minus(Duration.between(DPS, AHEAD));
        only(first.respond(200, "", assignedAt(dpsNow)), FlowAction.Succeed.class);
        assertThat(shared.offset()).isEqualTo(Duration.between(AHEAD, DPS));

        FlowDriver next = new FlowDriver(FlowDriver.settings(), shared, 2L);
        FlowAction.Connect connect = only(next.record(next.flow.start()), FlowAction.Connect.class);
        assertThat(connect.request().sasExpiry()).as("a later run (and the hub) signs by DPS's time")
                .isEqualTo(dpsNow.plus(LIFETIME));
    }

    @Test
    void aTokenShorterLivedThanASmallSkewIsRefusedForTheClockToo() throws Exception {
        RegistrationSettings shortLived = RegistrationSettingsTest.valid().sasLifetime(Duration.ofMinutes(1)).build();
        FlowDriver driver = new FlowDriver(shortLived, DPS.minus(Duration.ofMinutes(2)), 3L);
        driver.connectAndRegister();
        Failure cause = only(driver.respond(401, "", error(401000, DPS)), FlowAction.Retrying.class).cause();
        assertThat(cause.clockSuspected()).as("two minutes are within the bound, but past the token's minute")
                .isTrue();
        assertThat(only(driver.fireTimer(), FlowAction.Connect.class).request().sasExpiry())
                .isAfter(DPS.plusSeconds(59));
    }

    @Test
    void aSecondRefusalForTheClockInOneFlowEndsItForALaterRun() throws Exception {
        FlowDriver driver = registeredAt(BEHIND);
        driver.respond(401, "", error(401000, DPS));
        driver.fireTimer();
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {1}));
        // DPS's clock jumped a year: whatever happened, a second new token at once is not the answer.
        Failure failure = only(driver.respond(401, "", error(401000, DPS.plus(Duration.ofDays(365)))),
                FlowAction.Fail.class).failure();
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.clockSuspected()).isTrue();
    }

    @Test
    void aDifferenceWithinTheBoundIsNotTheClocksFault() throws Exception {
        FlowDriver driver = registeredAt(DPS.minus(ClockSkew.BOUND));
        Failure failure = only(driver.respond(401, "", error(401000, DPS)), FlowAction.Fail.class).failure();
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.clockSuspected()).isFalse();
        assertThat(failure.explanation()).doesNotContain("clock");
        assertThat(driver.serviceClock.deviceClockConfirmed()).isTrue();
    }

    @Test
    void x509IsNotRefusedForTheDeviceClockButTheMessageStillSaysItIsWrong() throws Exception {
        RegistrationSettings x509 = RegistrationSettingsTest.valid().credentials(Credentials.x509()).build();
        FlowDriver driver = new FlowDriver(x509, BEHIND, 5L);
        driver.connectAndRegister();
        Failure failure = only(driver.respond(401, "", error(401002, DPS)), FlowAction.Fail.class).failure();
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.explanation()).contains("certificate", "X.509 authentication does not depend on it",
                "The device clock reads 2026-06-01T00:00:00Z, DPS's 2026-12-01T20:35:10Z");
    }

    @Test
    void otherAnswersCarryingDpssTimeCorrectTheClockWithoutChangingWhatTheyMean() throws Exception {
        FlowDriver driver = registeredAt(BEHIND);
        FlowAction.Retrying throttled = only(driver.respond(429, "&retry-after=2", error(429001, DPS)),
                FlowAction.Retrying.class);
        assertThat(throttled.cause().kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(throttled.cause().clockSuspected()).isFalse();
        assertThat(driver.serviceClock.offset()).isEqualTo(Duration.between(BEHIND, DPS));
    }

    @Test
    void aServerCertificateOutsideItsDatesSuspectsAClockNothingHasConfirmed() throws Exception {
        Failure expired = tlsFailure(new ServiceClock(new FakeClock(AHEAD)), ConnectFailure.TLS_CERTIFICATE_EXPIRED);
        assertThat(expired.kind()).isEqualTo(FailureKind.TLS);
        assertThat(expired.retryable()).isTrue();
        assertThat(expired.clockSuspected()).isTrue();
        assertThat(expired.explanation()).contains("trusted root certificates",
                "The server certificate is expired by the device clock, which reads 2027-06-02T20:35:10Z: the"
                        + " device clock may be wrong. Nothing has confirmed it yet.",
                "at once when Kura's clock service sets the clock");

        ServiceClock knownOff = new ServiceClock(new FakeClock(BEHIND));
        knownOff.observe(DPS);
        Failure notYetValid = tlsFailure(knownOff, ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID);
        assertThat(notYetValid.clockSuspected()).isTrue();
        assertThat(notYetValid.explanation()).contains("not yet valid by the device clock",
                "It was measured off before: The device clock reads");
    }

    @Test
    void aServerCertificateOutsideItsDatesByAConfirmedClockIsTheCertificatesFault() throws Exception {
        ServiceClock agreed = new ServiceClock(new FakeClock(DPS));
        agreed.observe(DPS.plusSeconds(3));
        Failure expired = tlsFailure(agreed, ConnectFailure.TLS_CERTIFICATE_EXPIRED);
        assertThat(expired.retryable()).isFalse();
        assertThat(expired.clockSuspected()).isFalse();
        assertThat(expired.explanation()).contains("trusted root certificates",
                "agreed with DPS's when last measured, so the certificate itself is the problem");

        ServiceClock set = new ServiceClock(new FakeClock(DPS));
        set.clockSet();
        assertThat(tlsFailure(set, ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID).explanation())
                .contains("set by Kura's clock service");
    }

    @Test
    void aDeadlineMissedAfterARefusalForTheClockStillSuspectsIt() throws Exception {
        RegistrationSettings oneSecond = RegistrationSettingsTest.valid().overallDeadline(Duration.ofSeconds(1))
                .responseTimeout(Duration.ofSeconds(1))
                .build();
        FlowDriver driver = new FlowDriver(oneSecond, BEHIND, 4L);
        driver.connectAndRegister();
        Failure failure = only(driver.respond(401, "", error(401000, DPS)), FlowAction.Fail.class).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(failure.clockSuspected()).isTrue();
        assertThat(failure.explanation()).contains("device clock is wrong");
    }

    private static Failure tlsFailure(ServiceClock clock, ConnectFailure kind) throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings(), clock, 6L);
        driver.record(driver.flow.start());
        return only(driver.record(driver.flow.onConnectFailed(kind, "PKIX path validation failed")),
                FlowAction.Fail.class).failure();
    }

    private static FlowDriver registeredAt(Instant deviceClock) throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings(), deviceClock, 7L);
        driver.connectAndRegister();
        return driver;
    }

    private static void assertAssigned(FlowDriver driver) {
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {1}));
        driver.respond(202, "&retry-after=1", FlowDriver.assigning());
        driver.fireTimer();
        only(driver.respond(200, "", FlowDriver.assigned()), FlowAction.Succeed.class);
    }

    /** An error body as DPS writes it, with its own time. */
    static String error(int code, Instant serviceTime) {
        return "{\"errorCode\":" + code + ",\"trackingId\":\"t-clock\",\"message\":\"Unauthorized\",\"timestampUtc\":\""
                + serviceTime + "\"}";
    }

    private static String assignedAt(Instant serviceTime) {
        return "{\"operationId\":\"" + FlowDriver.OPERATION_ID + "\",\"status\":\"assigned\",\"registrationState\":{"
                + "\"registrationId\":\"gw-01\",\"assignedHub\":\"hub.azure-devices.net\",\"deviceId\":\"gw-01\","
                + "\"status\":\"assigned\",\"lastUpdatedDateTimeUtc\":\"" + serviceTime + "\"}}";
    }
}
