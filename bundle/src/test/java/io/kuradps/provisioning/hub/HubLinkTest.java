package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.api.HubConnectionEvents.REASON;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_CONNECTION_LOST;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_CONNECT_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_INVALID_CONFIGURATION;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_NO_CREDENTIALS;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_NO_TRANSPORT;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TLS_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TLS_SETUP;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TRANSPORT_NOT_TRACKED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_UNUSABLE_DEVICE_ID;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_WRITE_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REPROVISIONING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_MISCONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_REFUSED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_TOKEN_RENEWED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;

class HubLinkTest {

    private static final String PID = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
    /** The lowest wait after a first failure of the device's own: a third of the doubling's 5 s window. */
    private static final Duration FIRST_FAILURE_WAIT = Duration.ofMillis(1666);

    private final MovableClock clock = new MovableClock();
    private final FakeKura kura = new FakeKura();
    private final FakeCredentials credentials = new FakeCredentials();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Posted> events = new ArrayList<>();
    /** Every reconnect wait's draw: 0 gives the lowest wait of each window (a third of it). */
    private double jitter;
    private final HubLink link = newLink();

    @Test
    void fromAnEmptyConfigurationTheStackIsCreatedWrittenConfirmedAndConnected() {
        link.configure(settings());
        assertThat(state(link)).isEqualTo(HubLink.State.WAITING_FOR_ASSIGNMENT);

        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.created).containsExactly(PID);
        assertThat(kura.calls).as("no wait for Kura's READY; the token is signed after the TLS side, for the write")
                .containsExactly("read", "tracked?", "create", "read", "tls", "write", "read", "applied", "connect");
        Write write = kura.writes.get(0);
        assertThat(write.values).containsEntry("broker-url", "mqtts://hub-a.azure-devices.net:8883/")
                .containsEntry("client-id", "gw-1").containsEntry("username", HUB_A + "/gw-1/?api-version=2021-04-12")
                .containsEntry("lwt.topic", "")
                // clean-session=true is the new stack's default already: only what changed is written.
                .doesNotContainKey("clean-session");
        assertThat(write.password).isEqualTo(credentials.token(HUB_A, "gw-1", START.getEpochSecond() + 3600));
        assertThat(write.snapshot).isTrue();
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED);
        assertThat(events.get(0).properties).containsEntry(ASSIGNED_HUB, HUB_A)
                .containsEntry(TOKEN_EXPIRY, START.plusSeconds(3600).toEpochMilli());
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
        assertThat(link.describe()).contains(HUB_A).contains("gw-1").doesNotContain("SharedAccessSignature");
    }

    @Test
    void aRestartWithTheSameHubWritesOnlyAFreshTokenWithoutSnapshot() {
        kura.configs.put(PID, new HashMap<>());
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        clock.now = START.plusSeconds(86_400);

        // A new hub link (the gateway rebooted); the snapshot restored the old, now expired token.
        HubLink restarted = newLink();
        restarted.configure(settings());
        restarted.assignment(assignment(HUB_A, "gw-1").withSource(Assignment.Source.CACHE));

        Write write = kura.writes.get(1);
        assertThat(write.values).isEmpty();
        assertThat(write.password).isEqualTo(credentials.token(HUB_A, "gw-1", clock.now.getEpochSecond() + 3600));
        assertThat(write.snapshot).isFalse();
    }

    @Test
    void theTokenIsRenewedAtTheRenewalPointWithoutSnapshot() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(3060));

        clock.now = START.plusSeconds(3060);
        scheduler.runNext();

        Write renewal = kura.writes.get(1);
        assertThat(renewal.values).isEmpty();
        assertThat(renewal.snapshot).isFalse();
        assertThat(renewal.password).isEqualTo(credentials.token(HUB_A, "gw-1", START.getEpochSecond() + 3060 + 3600));
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_TOKEN_RENEWED, TOPIC_CONNECTED);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofSeconds(3060));
    }

    @Test
    void aClockSetAfterBootRenewsAtOnce() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        clock.now = START.plus(Duration.ofDays(400));

        link.clockSet();

        assertThat(kura.writes).hasSize(2);
        assertThat(kura.writes.get(1).password)
                .isEqualTo(credentials.token(HUB_A, "gw-1", clock.now.getEpochSecond() + 3600));
        assertThat(scheduler.cancelled).isEqualTo(1);
    }

    @Test
    void aDeviceIdWithADotIsRefusedBeforeTouchingTheTransport() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw.1"));

        assertThat(kura.writes).isEmpty();
        assertThat(kura.created).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_UNUSABLE_DEVICE_ID)
                .doesNotContainKey(RETRY_AT);
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE)).contains("'gw.1'").contains("client id");
    }

    @Test
    void aMissingTransportIsNamedWhenCreatingIsOff() {
        link.configure(settings(false));
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.writes).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_NO_TRANSPORT).doesNotContainKey(RETRY_AT);
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE)).contains(PID).contains("transport.create");
    }

    @Test
    void anUpdateKuraDroppedIsReportedNotTakenForConnected() {
        kura.dropWrites = true;
        kura.configs.put(PID, new HashMap<>());
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_TRANSPORT_NOT_TRACKED);
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE)).contains("did not take the values");
        assertThat(kura.connects).isZero();
    }

    @Test
    void repeatedNotAuthorizedReprovisionsAndTheNewHubIsWrittenWithSnapshot() {
        link.configure(settings());
        for (int i = 0; i < HubLink.REFUSALS_BEFORE_REPROVISIONING; i++) {
            kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, "CONNACK 5"));
        }
        link.assignment(assignment(HUB_A, "gw-1"));
        scheduler.runNext();
        scheduler.runNext();

        assertThat(kura.reprovisions).isEqualTo(1);
        assertThat(events).filteredOn(e -> e.topic.equals(TOPIC_REFUSED)).hasSize(3);
        assertThat(events.get(1).topic).isEqualTo(TOPIC_REFUSED);
        assertThat(events.get(1).properties).as("the hub refused; tried again later").containsEntry(REPROVISIONING,
                false).containsEntry(RETRY_AT, START.plus(FIRST_FAILURE_WAIT).toEpochMilli());
        Posted last = events.get(events.size() - 1);
        assertThat(last.topic).isEqualTo(TOPIC_REFUSED);
        assertThat(last.properties).containsEntry(REPROVISIONING, true).doesNotContainKey(RETRY_AT);
        assertThat(scheduler.tasks).as("DPS is asked instead").isEmpty();

        link.assignment(assignment(HUB_B, "gw-1"));
        Write moved = kura.writes.get(kura.writes.size() - 1);
        assertThat(moved.values).containsKeys("broker-url", "username");
        assertThat(moved.snapshot).isTrue();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void withoutValidCachePolicyARefusalIsOnlyReported() {
        credentials.reprovision = false;
        link.configure(settings());
        for (int i = 0; i < 5; i++) {
            kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, "CONNACK 5"));
        }
        link.assignment(assignment(HUB_A, "gw-1"));
        for (int i = 0; i < 4; i++) {
            scheduler.runNext();
        }
        assertThat(kura.reprovisions).isZero();
        assertThat(events).filteredOn(e -> e.topic.equals(TOPIC_REFUSED)).hasSize(5)
                .allSatisfy(e -> assertThat(e.properties).containsEntry(REPROVISIONING, false));
    }

    @Test
    void aTlsFailureExplainsTheRootCaAndNamesTheOptIn() {
        link.configure(settings());
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.TLS, "PKIX path building failed"));
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(events.get(1).topic).isEqualTo(TOPIC_RETRYING);
        assertThat(events.get(1).properties).containsEntry(REASON, REASON_TLS_FAILED).containsKey(RETRY_AT);
        assertThat((String) events.get(1).properties.get(ERROR_MESSAGE)).contains("DigiCert Global Root G2")
                .contains("azure.root.cas");
    }

    @Test
    void x509WritesNoPasswordAndSchedulesNoRenewal() {
        credentials.kind = DeviceCredentials.Kind.X509;
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.writes.get(0).password).isNull();
        assertThat(scheduler.delays).isEmpty();
        assertThat(events.get(0).properties).doesNotContainKey(TOKEN_EXPIRY);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    /** Issue 23: nothing typed but the keystore; the SslManagerService over it is the hub link's to set up. */
    @Test
    void anX509EnrollmentFromAKeystoreConnectsThroughTheSslManagerServiceOverThatKeystore() {
        credentials.kind = DeviceCredentials.Kind.X509;
        credentials.enrollmentKey = Optional.of(new KeystoreKey("HubDeviceKeystore", "device"));
        link.configure(settings());

        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.seenForKeystores).containsExactly("HubDeviceKeystore");
        assertThat(kura.tlsChecks).containsExactly("the X.509 enrollment in HubDeviceKeystore, roots=false");
        Write write = kura.writes.get(0);
        assertThat(write.values).containsEntry("SslManagerService.target",
                "(kura.service.pid=HubDeviceKeystore-SslManagerService)");
        assertThat(write.snapshot).isTrue();
        assertThat(write.password).isNull();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void anIssuedCertificateConnectsByX509WithItsSslManagerServiceAndClearsAStaleToken() {
        // Onboarded with a symmetric key; the transport still holds a token (an earlier connection, a snapshot).
        Map<String, Object> before = new HashMap<>();
        before.put("password", "SharedAccessSignature sr=old&sig=x&se=1");
        kura.configs.put(PID, before);
        link.configure(settings());

        link.assignment(issuedAssignment(HUB_A, "gw-1", "AB01"));

        assertThat(kura.tlsChecks).containsExactly("the issued certificate in DeviceKeystore, roots=false");
        Write write = kura.writes.get(0);
        assertThat(write.password).as("an empty Kura Password: Kura's transport sends none").isEmpty();
        assertThat(write.values).containsEntry("SslManagerService.target",
                "(kura.service.pid=DeviceKeystore-SslManagerService)")
                .containsEntry("username", HUB_A + "/gw-1/?api-version=2021-04-12");
        assertThat(write.snapshot).isTrue();
        assertThat(scheduler.delays).as("no token to renew").isEmpty();
        assertThat(events.get(0).properties).doesNotContainKey(TOKEN_EXPIRY);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
        assertThat(link.describe()).contains("by the issued certificate (until 2027-01-01T00:00:00Z)");
    }

    @Test
    void aCertificateRenewalIsNoHubMoveAndWritesNothing() {
        link.configure(settings());
        link.assignment(issuedAssignment(HUB_A, "gw-1", "AB01"));
        int connects = kura.connects;
        int writes = kura.writes.size();
        int posted = events.size();

        link.assignment(issuedAssignment(HUB_A, "gw-1", "CD02"));

        assertThat(kura.writes).as("the new key is in the same keystore: the transport stays as it is")
                .hasSize(writes);
        assertThat(kura.disconnects).isZero();
        assertThat(kura.reprovisions).isZero();
        assertThat(kura.connects).as("made sure of, not made again: the DataService is connected")
                .isEqualTo(connects + 1);
        assertThat(topics().subList(posted, events.size())).as("nothing written: no CONFIGURED")
                .containsExactly(TOPIC_CONNECTED);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void anIssuedKeystoreKuraMustChangeIsRefusedWithItsMessageBeforeWriting() {
        kura.tlsProblem = HubConfigurationException.tlsSetup("KeystoreService DeviceKeystore of the issued certificate",
                "holds 2 keys [dps-device, other]");
        link.configure(settings());

        link.assignment(issuedAssignment(HUB_A, "gw-1", "AB01"));

        assertThat(kura.writes).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).as("checked again later").containsEntry(REASON, REASON_TLS_SETUP)
                .containsKey(RETRY_AT);
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE)).contains("DeviceKeystore");
        assertThat(state(link)).isEqualTo(HubLink.State.MISCONFIGURED);
    }

    @Test
    void noEventCarriesTheToken() {
        link.configure(settings());
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, "CONNACK 5"));
        link.assignment(assignment(HUB_A, "gw-1"));
        scheduler.runNext();
        clock.now = START.plusSeconds(4000);
        link.clockSet();

        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.properties.values())
                .allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("SharedAccessSignature")
                        .doesNotContain("sig=")));
    }

    @Test
    void aLostConnectionIsMadeAgainWithAFreshTokenAndRepeatedRefusalsThenReprovision() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        clock.now = START.plusSeconds(600);

        link.connectionLost("MqttException (reason 32109): Connection lost", kura.connection);

        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTING);
        assertThat(link.describe()).contains("connection lost");
        Posted lost = events.get(events.size() - 1);
        assertThat(lost.topic).isEqualTo(TOPIC_RETRYING);
        assertThat(lost.properties).containsEntry(REASON, REASON_CONNECTION_LOST)
                .containsEntry(RETRY_AT, clock.now.plusSeconds(1).toEpochMilli());
        assertThat(scheduler.cancelled).as("the renewal timer").isEqualTo(1);
        assertThat(scheduler.delays).as("a third of the 3 s window after a loss").last()
                .isEqualTo(Duration.ofSeconds(1));
        for (int i = 0; i < HubLink.REFUSALS_BEFORE_REPROVISIONING; i++) {
            kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, "CONNACK 5"));
        }
        for (int i = 0; i < HubLink.REFUSALS_BEFORE_REPROVISIONING; i++) {
            scheduler.runNext();
        }
        assertThat(kura.writes.get(1).password)
                .isEqualTo(credentials.token(HUB_A, "gw-1", START.getEpochSecond() + 600 + 3600));
        assertThat(kura.reprovisions).isEqualTo(1);
    }

    @Test
    void aHubThatThrottlesOrRefusesIsRetriedInAWideningWindowAndAnyOtherFailureOnTheDoubling() {
        link.configure(settings());
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.OTHER, "timed out"));
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.SERVER_UNAVAILABLE,
                "MqttException (reason 3)"));
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.CONNECTION_REFUSED,
                "ConnectException: Connection refused"));

        link.assignment(assignment(HUB_A, "gw-1"));
        // Failure 1, a timeout: the doubling's 5 s window, a third of it.
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofMillis(1666));
        scheduler.runNext();
        // Failure 2, CONNACK 3: the throttled window's floor, 20 s at the second failure.
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofMillis(6666));
        assertThat((String) events.get(events.size() - 1).properties.get(ERROR_MESSAGE)).contains("CONNACK 3")
                .contains(HUB_A);
        clock.now = START.plusSeconds(400);
        scheduler.runNext();
        // Failure 3, refused, 400 s after the first failure: a quarter of that, 100 s, is wider than the floor.
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofMillis(33_333));
        assertThat((String) events.get(events.size() - 1).properties.get(ERROR_MESSAGE)).contains("refused");

        scheduler.runNext();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.SERVER_UNAVAILABLE, "reason 3"));
        link.connectionLost("reset", kura.connection);
        scheduler.runNext();
        assertThat(scheduler.delays).as("connected in between: the count starts afresh").last()
                .isEqualTo(Duration.ofMillis(3333));
    }

    @Test
    void aLossReportedWhileNotConnectedChangesNothing() {
        link.configure(settings());
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.OTHER, "unreachable"));
        link.assignment(assignment(HUB_A, "gw-1"));
        int scheduled = scheduler.delays.size();

        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_RETRYING);
        assertThat(events.get(1).properties).containsEntry(REASON, REASON_CONNECT_FAILED);

        link.connectionLost("late", kura.connection);

        assertThat(state(link)).isEqualTo(HubLink.State.RETRYING);
        assertThat(scheduler.delays).hasSize(scheduled);
    }

    @Test
    void anInvalidConfigurationStopsTheLinkNamingTheFieldAndKeepsTheAssignment() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        link.invalidConfiguration("transport: 'udp' is not one of mqtt, mqtt-websocket");

        assertThat(state(link)).isEqualTo(HubLink.State.MISCONFIGURED);
        assertThat(scheduler.tasks).as("the renewal was cancelled").isEmpty();
        Posted last = events.get(events.size() - 1);
        assertThat(last.topic).isEqualTo(TOPIC_MISCONFIGURED);
        assertThat(last.properties).containsEntry(REASON, REASON_INVALID_CONFIGURATION).doesNotContainKey(RETRY_AT);
        assertThat((String) last.properties.get(ERROR_MESSAGE)).startsWith("invalid configuration: transport:");
        link.configure(settings());
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void aTlsSetupKuraMustChangeIsRefusedWithItsMessageAndCheckedAgainLater() {
        credentials.kind = DeviceCredentials.Kind.X509;
        kura.tlsProblem = HubConfigurationException.tlsSetup("SslManagerService.target", "is Kura's default");
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.tlsChecks).containsExactly("x509=true, roots=false");
        assertThat(kura.writes).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_TLS_SETUP).containsKey(RETRY_AT);
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE))
                .isEqualTo("SslManagerService.target: is Kura's default");
        kura.tlsProblem = null;
        scheduler.runNext();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void withoutCredentialsTheLinkWaitsForTheProvisionerAndSaysSo() {
        credentials.kind = DeviceCredentials.Kind.NONE;
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.writes).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_NO_CREDENTIALS).doesNotContainKey(RETRY_AT);
        assertThat(state(link)).isEqualTo(HubLink.State.MISCONFIGURED);
        assertThat(link.describe()).contains("error: provisioning is disabled");
    }

    @Test
    void aWriteKuraFailsIsRetriedWithItsCause() {
        kura.writeFailure = new IllegalStateException("ConfigurationService is stopping");
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(topics()).containsExactly(TOPIC_RETRYING);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_WRITE_FAILED)
                .containsEntry(RETRY_AT, START.plus(FIRST_FAILURE_WAIT).toEpochMilli());
        assertThat((String) events.get(0).properties.get(ERROR_MESSAGE))
                .contains("IllegalStateException: ConfigurationService is stopping");
        kura.writeFailure = null;
        scheduler.runNext();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    // ---- Kura 5.5 as measured (kura.md, "Measured in real Kura 5.5") ----------------------------------------------

    /** Kura writes every tracked configuration again at each boot, values unchanged (fact 1). */
    @Test
    void aConfigurationThatChangesNothingChangesNothing() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        int posted = events.size();

        link.configure(settings());

        assertThat(kura.writes).as("no second token").hasSize(1);
        assertThat(kura.connects).isEqualTo(1);
        assertThat(kura.disconnects).isZero();
        assertThat(scheduler.cancelled).as("the renewal stays as it was").isZero();
        assertThat(events).hasSize(posted);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    @Test
    void theSameInvalidConfigurationAgainIsNotReportedTwice() {
        link.configure(settings());
        link.invalidConfiguration("transport: 'udp' is not one of mqtt, mqtt-websocket");
        link.invalidConfiguration("transport: 'udp' is not one of mqtt, mqtt-websocket");

        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
    }

    /** A cached assignment DPS confirmed, or the same one published again: nothing to write, nothing to connect. */
    @Test
    void anAssignmentNamingTheSameHubDeviceAndCertificateChangesNothingWhileConnected() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1").withSource(Assignment.Source.CACHE));
        int posted = events.size();

        link.assignment(Assignment.builder().assignedHub(HUB_A).deviceId("gw-1").registrationId("gw-1")
                .idScope("0ne00000001").assignedAt(START.plusSeconds(60)).source(Assignment.Source.DPS).build());

        assertThat(kura.writes).hasSize(1);
        assertThat(kura.connects).isEqualTo(1);
        assertThat(events).hasSize(posted);
        assertThat(link.describe()).startsWith("CONNECTED");
    }

    /**
     * Whatever the link waits for before writing (Kura's side of the TLS, a keystore's event), the token is signed
     * after it, right before the write: its whole lifetime is ahead of it (measured in real Kura: 2 s of 30 left).
     */
    @Test
    void theTokenIsSignedRightBeforeTheWriteNotBeforeAWait() {
        kura.tlsTakes = Duration.ofSeconds(25);
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        Write write = kura.writes.get(0);
        assertThat(write.at).isEqualTo(START.plusSeconds(25));
        assertThat(write.password).isEqualTo(credentials.token(HUB_A, "gw-1", write.at.getEpochSecond() + 3600));
        assertThat(events.get(0).properties).containsEntry(TOKEN_EXPIRY, write.at.plusSeconds(3600).toEpochMilli());
    }

    /**
     * A renewal of a connected transport: the link disconnects it before writing (so that Kura, whose DataService
     * reconnects by itself after a write to a connected transport, fact 10, does not race it) and connects once, with
     * the token written.
     */
    @Test
    void aRenewalDisconnectsBeforeTheWriteAndConnectsOnceWithTheTokenWritten() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        kura.calls.clear();

        clock.now = START.plusSeconds(3060);
        scheduler.runNext();

        assertThat(kura.calls).containsExactly("read", "tls", "disconnect", "write", "read", "applied", "connect");
        assertThat(kura.connects).isEqualTo(2);
        assertThat(kura.connection).as("one connection per renewal").isEqualTo(2);
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_TOKEN_RENEWED, TOPIC_CONNECTED);
    }

    /**
     * Kura took so long to apply the token (a reconnect of its own hanging 30 s holds its configuration thread) that
     * the token is due: the link writes a fresh one instead of connecting with one about to expire.
     */
    @Test
    void aTokenKuraTookTooLongToApplyIsNotConnectedWith() throws Exception {
        link.configure(HubLinkSettings.from(HubConfigs.of("enabled", true, "token.lifetime.seconds", 30)));
        kura.applyTakes = Duration.ofSeconds(27);
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.connects).isZero();
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_RETRYING);
        assertThat((String) events.get(1).properties.get(ERROR_MESSAGE)).contains("27 s later")
                .contains("writing a fresh one");
        kura.applyTakes = Duration.ZERO;
        scheduler.runNext();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
        assertThat(kura.writes).hasSize(2);
    }

    /** A loss queued before the link's own reconnect is of an earlier connection: no second reconnect (finding 1). */
    @Test
    void aLossOfAnEarlierConnectionToldLateChangesNothing() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        long lost = kura.connection;
        clock.now = START.plusSeconds(3060);
        scheduler.runNext();
        int posted = events.size();

        link.connectionLost("MqttException (reason 32109): Connection lost", lost);

        assertThat(events).hasSize(posted);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
        assertThat(scheduler.tasks).as("only the next renewal").hasSize(1);
    }

    /** Someone else wrote the transport: Kura reconnects by itself, and the link takes that connection as its own. */
    @Test
    void kurasOwnReconnectAfterSomeoneElsesWriteIsTakenAsTheConnection() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        link.disconnectedByKura(kura.connection);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTING);
        assertThat(scheduler.delays).last().isEqualTo(HubLink.KURA_RECONNECT_GRACE);
        kura.connection++;
        link.connectedByKura(kura.connection);

        assertThat(kura.connects).as("Kura's reconnect was enough").isEqualTo(1);
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_CONNECTED);
        assertThat(scheduler.tasks).as("the grace ended, the renewal goes on").hasSize(1);
        clock.now = START.plusSeconds(3060);
        scheduler.runNext();
        assertThat(topics()).last().isEqualTo(TOPIC_CONNECTED);
        assertThat(kura.writes).hasSize(2);
    }

    /** Kura's own reconnect failed (it only logs it): after the grace the link connects, once. */
    @Test
    void whenKurasOwnReconnectFailsTheLinkConnectsOnceAfterTheGrace() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        kura.connected = false;

        link.disconnectedByKura(kura.connection);
        Runnable grace = scheduler.tasks.peekLast();
        scheduler.tasks.remove(grace);
        grace.run();

        assertThat(kura.connects).isEqualTo(2);
        assertThat(kura.writes).as("the token in the transport is still good").hasSize(1);
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_CONNECTED);
        link.disconnectedByKura(kura.connection - 1);
        assertThat(state(link)).as("an older connection's disconnect").isEqualTo(HubLink.State.CONNECTED);
    }

    /**
     * A keystore change: Kura closes the transport and tells nobody (fact 3). The link sees it go and connects again,
     * once; a keystore change that leaves the connection alone costs nothing.
     */
    @Test
    void aTransportKuraClosedAfterAKeystoreChangeIsConnectedAgainOnce() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        Runnable renewal = scheduler.tasks.peek();

        link.keystoreChanged();
        scheduler.tasks.remove(renewal);
        scheduler.runNext();
        kura.connected = false;
        scheduler.runNext();

        assertThat(kura.connects).isEqualTo(2);
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_CONNECTED);
        assertThat(scheduler.tasks).as("no more looking").isEmpty();

        link.keystoreChanged();
        int polls = 0;
        while (!scheduler.tasks.isEmpty()) {
            clock.now = clock.now.plus(HubLink.CUT_POLL);
            scheduler.runNext();
            polls++;
        }
        assertThat(polls).as("looked for " + HubLink.CUT_WAIT + ", then stopped")
                .isEqualTo((int) (HubLink.CUT_WAIT.toMillis() / HubLink.CUT_POLL.toMillis()));
        assertThat(kura.connects).isEqualTo(2);
    }

    /**
     * Kura's transport says "not connected" from the start of its close, which takes up to 2 s more (measured in real
     * Kura 5.5 after a keystore change): a connect meanwhile finds the client still disconnecting (Paho 32102). The
     * link tries again a moment later, with no RETRYING and no backoff, for as long as a close can take.
     */
    @Test
    void aConnectThatFindsTheTransportStillClosingIsTriedAgainAtOnceWithoutRetrying() {
        connectedThenCutByAKeystoreChange();
        kura.connectFailures.add(stillClosing());
        kura.connectFailures.add(stillClosing());

        scheduler.runNext();
        clock.now = clock.now.plus(HubLink.CLOSING_POLL);
        scheduler.runNext();
        clock.now = clock.now.plus(HubLink.CLOSING_POLL);
        scheduler.runNext();

        assertThat(kura.connects).isEqualTo(4);
        assertThat(scheduler.delays).as("the cut watch, then two short waits, then the renewal")
                .containsSubsequence(HubLink.CUT_POLL, HubLink.CLOSING_POLL, HubLink.CLOSING_POLL);
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_CONNECTED, TOPIC_CONNECTED);
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    /** A transport that is still closing after {@link HubLink#CUT_WAIT} is a failure like any other. */
    @Test
    void aTransportStillClosingAfterTheCutWaitIsRetriedWithBackoff() {
        connectedThenCutByAKeystoreChange();
        int polls = (int) (HubLink.CUT_WAIT.toMillis() / HubLink.CLOSING_POLL.toMillis()) + 1;
        for (int i = 0; i <= polls; i++) {
            kura.connectFailures.add(stillClosing());
        }

        scheduler.runNext();
        while (!topics().contains(TOPIC_RETRYING)) {
            assertThat(kura.connects).as("gives up within the cut wait").isLessThanOrEqualTo(polls + 2);
            clock.now = clock.now.plus(HubLink.CLOSING_POLL);
            scheduler.runNext();
        }

        assertThat(kura.connects).isEqualTo(polls + 1);
        assertThat(events.get(events.size() - 1).properties).containsEntry(REASON, REASON_CONNECT_FAILED);
    }

    /** Connected, its renewal set aside, then a keystore change after which Kura's transport says "not connected". */
    private void connectedThenCutByAKeystoreChange() {
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        scheduler.tasks.remove(scheduler.tasks.peek());
        link.keystoreChanged();
        kura.connected = false;
    }

    private static HubConnectException stillClosing() {
        return new HubConnectException(HubConnectException.Kind.CLIENT_CLOSING, "reason 32102");
    }

    /**
     * A transport Kura built no client for (activated before its SslManagerService, Kura 5.5's MqttDataTransport
     * builds one only when its configuration is written) is written again in full, even when nothing changed.
     */
    @Test
    void aTransportWithoutClientConfigurationIsWrittenAgainInFull() {
        credentials.kind = DeviceCredentials.Kind.X509;
        link.configure(settings());
        kura.connectFailures.add(new HubConnectException(HubConnectException.Kind.TRANSPORT_INVALID,
                "IllegalStateException: Invalid client configuration"));
        link.assignment(assignment(HUB_A, "gw-1"));
        assertThat(topics()).containsExactly(TOPIC_CONFIGURED, TOPIC_RETRYING);

        scheduler.runNext();

        Write again = kura.writes.get(1);
        assertThat(again.values).containsKeys("broker-url", "client-id", "username", "clean-session", "lwt.topic");
        assertThat(again.snapshot).isFalse();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);
    }

    /** A restart with a transport that holds the values already: nothing is written, so nothing is CONFIGURED. */
    @Test
    void nothingWrittenIsNoConfiguredEvent() {
        credentials.kind = DeviceCredentials.Kind.X509;
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));
        HubLink restarted = newLink();
        events.clear();
        kura.connected = false;

        restarted.configure(settings());
        restarted.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.writes).hasSize(1);
        assertThat(topics()).containsExactly(TOPIC_CONNECTED);
    }

    /** A configuration ConfigAdmin holds but Kura does not track yet is waited for, and never created again. */
    @Test
    void aTransportKuraHoldsButDoesNotTrackYetIsWaitedForNotCreated() {
        kura.heldUntracked = true;
        link.configure(settings());
        link.assignment(assignment(HUB_A, "gw-1"));

        assertThat(kura.created).isEmpty();
        assertThat(state(link)).isEqualTo(HubLink.State.CONNECTED);

        HubLink other = newLink();
        kura.configs.clear();
        kura.tracksWhenAsked = false;
        events.clear();
        other.configure(settings());
        other.assignment(assignment(HUB_A, "gw-1"));
        assertThat(kura.created).isEmpty();
        assertThat(topics()).containsExactly(TOPIC_MISCONFIGURED);
        assertThat(events.get(0).properties).containsEntry(REASON, REASON_TRANSPORT_NOT_TRACKED)
                .containsKey(RETRY_AT);
    }

    /** A hub link over the same Kura, credentials, clock and scheduler: as after a restart of the component. */
    private HubLink newLink() {
        return new HubLink(kura, credentials, (topic, props) -> events.add(new Posted(topic, props)), clock, scheduler,
                new ReconnectBackoff(() -> jitter));
    }

    /** The link's state as dps:status shows it: the first word of its line. */
    private static HubLink.State state(HubLink link) {
        return HubLink.State.valueOf(link.describe().split(":", 2)[0]);
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>();
        events.forEach(e -> topics.add(e.topic));
        return topics;
    }

    private static HubLinkSettings settings() {
        return settings(true);
    }

    private static HubLinkSettings settings(boolean createStack) {
        try {
            return HubLinkSettings.from(HubConfigs.of("enabled", true, "transport.create", createStack));
        } catch (HubConfigurationException e) {
            throw new AssertionError(e);
        }
    }

    private static Assignment assignment(String hub, String deviceId) {
        return Assignment.builder().assignedHub(hub).deviceId(deviceId).registrationId(deviceId)
                .idScope("0ne00000001").assignedAt(START).source(Assignment.Source.DPS).build();
    }

    private static Assignment issuedAssignment(String hub, String deviceId, String fingerprint) {
        return Assignment.builder().assignedHub(hub).deviceId(deviceId).registrationId(deviceId)
                .idScope("0ne00000001").assignedAt(START).source(Assignment.Source.DPS)
                .certificate(new IssuedCertificate(fingerprint, Instant.parse("2027-01-01T00:00:00Z"),
                        "DeviceKeystore", "dps-device"))
                .build();
    }

    private static final class Posted {
        final String topic;
        final Map<String, Object> properties;

        Posted(String topic, Map<String, Object> properties) {
            this.topic = topic;
            this.properties = properties;
        }
    }

    private static final class Write {
        final Map<String, Object> values;
        final String password;
        final boolean snapshot;
        final Instant at;

        Write(Map<String, Object> values, String password, boolean snapshot, Instant at) {
            this.values = values;
            this.password = password;
            this.snapshot = snapshot;
            this.at = at;
        }
    }

    /** Kura's ConfigurationService and DataService, as far as the hub link sees them. */
    private final class FakeKura implements HubLink.Kura {
        final Map<String, Map<String, Object>> configs = new HashMap<>();
        final List<String> created = new ArrayList<>();
        final List<Write> writes = new ArrayList<>();
        final Deque<HubConnectException> connectFailures = new ArrayDeque<>();
        final List<String> tlsChecks = new ArrayList<>();
        /** The keystore of the key to present each time the link read Kura's SslManagerServices ("-": none). */
        final List<String> seenForKeystores = new ArrayList<>();
        /** Everything the link asked of Kura, in order: read, tracked?, create, tls, disconnect, write, applied, connect. */
        final List<String> calls = new ArrayList<>();
        HubConfigurationException tlsProblem;
        RuntimeException writeFailure;
        boolean dropWrites;
        /** Whether ConfigAdmin holds a configuration of the transport Kura does not track; tracked once asked. */
        boolean heldUntracked;
        boolean tracksWhenAsked = true;
        /** How long preparing the TLS side and applying a write take, on the test's clock. */
        Duration tlsTakes = Duration.ZERO;
        Duration applyTakes = Duration.ZERO;
        boolean connected;
        long connection;
        int connects;
        int disconnects;
        int reprovisions;

        @Override
        public Optional<Map<String, Object>> transportConfiguration(String pid) {
            calls.add("read");
            return Optional.ofNullable(configs.get(pid)).map(HashMap::new);
        }

        @Override
        public boolean awaitTracked(String pid) {
            calls.add("tracked?");
            if (heldUntracked && tracksWhenAsked) {
                configs.put(pid, new HashMap<>());
            }
            return heldUntracked;
        }

        @Override
        public void createStack(String transportPid) {
            calls.add("create");
            created.add(transportPid);
            // A new stack's transport carries the metatype defaults, among them an LWT topic IoT Hub refuses.
            Map<String, Object> defaults = new HashMap<>();
            defaults.put("lwt.topic", "$EDC/#account-name/#client-id/MQTT/LWT");
            defaults.put("clean-session", true);
            configs.put(transportPid, defaults);
        }

        @Override
        public SslManagersSeen sslManagersSeen(Optional<String> keyKeystorePid, String transportSslManagerTarget) {
            seenForKeystores.add(keyKeystorePid.orElse("-"));
            return SslManagersSeen.NOTHING;
        }

        @Override
        public void prepareTls(String transportPid, TlsPlan plan) throws HubConfigurationException {
            calls.add("tls");
            clock.now = clock.now.plus(tlsTakes);
            tlsChecks.add(plan.key().map(k -> plan.keyOrigin() + " in " + k.keystorePid())
                    .orElse("x509=" + (plan.step() == TlsPlan.Step.CHECK_ENROLLMENT_KEY)) + ", roots="
                    + plan.addAzureRoots());
            if (tlsProblem != null) {
                throw tlsProblem;
            }
        }

        @Override
        public boolean isConnected(String transportPid) {
            return connected;
        }

        @Override
        public void disconnect(String transportPid) {
            calls.add("disconnect");
            disconnects++;
            connected = false;
        }

        @Override
        public void writeTransport(String pid, Map<String, Object> values, PasswordChange password,
                boolean snapshot) {
            calls.add("write");
            if (writeFailure != null) {
                throw writeFailure;
            }
            writes.add(new Write(new HashMap<>(values), password.newValue().orElse(null), snapshot, clock.now));
            if (!dropWrites && configs.containsKey(pid)) {
                configs.get(pid).putAll(values);
            }
        }

        @Override
        public void awaitApplied(String transportPid) {
            calls.add("applied");
            clock.now = clock.now.plus(applyTakes);
        }

        @Override
        public long connect(String transportPid) throws HubConnectException {
            calls.add("connect");
            connects++;
            HubConnectException failure = connectFailures.poll();
            if (failure != null) {
                throw failure;
            }
            if (!connected) {
                connected = true;
                connection++;
            }
            return connection;
        }

        @Override
        public void reprovision() {
            reprovisions++;
        }
    }

    private static final class FakeCredentials implements DeviceCredentials {
        Kind kind = Kind.SYMMETRIC_KEY;
        Optional<KeystoreKey> enrollmentKey = Optional.empty();
        boolean reprovision = true;

        String token(String hub, String deviceId, long expiry) {
            return "SharedAccessSignature sr=" + hub + "%2Fdevices%2F" + deviceId + "&sig=x&se=" + expiry;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public Optional<KeystoreKey> enrollmentKey() {
            return enrollmentKey;
        }

        @Override
        public Optional<String> hubToken(String hub, String deviceId, long expiryEpochSeconds) {
            return kind == Kind.SYMMETRIC_KEY ? Optional.of(token(hub, deviceId, expiryEpochSeconds))
                    : Optional.empty();
        }

        @Override
        public boolean reprovisionsOnHubError() {
            return reprovision;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }

    /** Tasks run when the test says so; delays are recorded, not waited. */
    private static final class ManualScheduler implements HubLink.Scheduler {
        final Deque<Runnable> tasks = new ArrayDeque<>();
        final List<Duration> delays = new ArrayList<>();
        int cancelled;

        @Override
        public Runnable schedule(Runnable task, Duration delay) {
            tasks.add(task);
            delays.add(delay);
            return () -> {
                if (tasks.remove(task)) {
                    cancelled++;
                }
            };
        }

        void runNext() {
            Runnable task = tasks.poll();
            assertThat(task).as("a scheduled task").isNotNull();
            task.run();
        }
    }

    private static final class MovableClock extends Clock {
        Instant now = START;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
