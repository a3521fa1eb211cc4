package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.TestConfigs.DEVICE_KEY;
import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.DeviceCredentials.Kind;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.protocol.DerivedKeys;
import io.kuradps.provisioning.protocol.HubSasTokens;

class ProvisionerCredentialsTest {

    private static final String HUB = "hub.azure-devices.net";
    private static final long EXPIRY = 1_800_000_000L;

    @TempDir
    Path dir;

    private final Clock serviceClock = Clock.offset(Clock.systemUTC(), Duration.ofDays(183));
    private ProvisioningWorker worker;

    private DeviceCredentials credentials(DpsProvisionerConfig raw) throws Exception {
        worker = new ProvisioningWorker(new AssignmentStore(dir.resolve("assignment.json")),
                (run, retrying) -> { throw new InterruptedException("not registering here"); },
                new ProvisioningWorker.Output() {
                    @Override
                    public void post(String topic, Map<String, Object> properties) {
                    }

                    @Override
                    public void assignmentChanged(Assignment current) {
                    }
                }, Clock.systemUTC(), () -> 0.5, Duration.ofMinutes(1), new WorkerThread("credentials-test"));
        worker.apply(ProvisioningConfig.from(raw, null));
        return new ProvisionerCredentials(worker, serviceClock);
    }

    @AfterEach
    void stop() throws InterruptedException {
        assertThat(worker.close(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void individualKeySignsTheHubToken() throws Exception {
        DeviceCredentials credentials = credentials(valid());
        assertThat(credentials.kind()).isEqualTo(Kind.SYMMETRIC_KEY);
        assertThat(credentials.hubToken(HUB, "gateway-1", EXPIRY))
                .contains(HubSasTokens.deviceToken(HUB, "gateway-1", DEVICE_KEY, EXPIRY));
        assertThat(credentials.reprovisionsOnHubError()).isTrue();
        // Hub tokens expire by the time DPS's answers showed, not by a device clock NTP has not set yet.
        assertThat(credentials.clock()).isSameAs(serviceClock);
    }

    @Test
    void groupKeyIsDerivedForTheRegistrationIdBeforeSigning() throws Exception {
        DeviceCredentials credentials = credentials(valid("enrollment.kind", "group"));
        String derived = DerivedKeys.deviceKey(DEVICE_KEY, "gateway-1");
        assertThat(credentials.hubToken(HUB, "gateway-1", EXPIRY))
                .contains(HubSasTokens.deviceToken(HUB, "gateway-1", derived, EXPIRY));
    }

    @Test
    void withoutValidCacheTheHubErrorIsOnlyReported() throws Exception {
        assertThat(credentials(valid("reprovision.policy", "without-valid-cache")).reprovisionsOnHubError()).isFalse();
    }

    @Test
    void disabledSignsNothingAndTextHoldsNoKey() throws Exception {
        DeviceCredentials credentials = credentials(valid("enabled", false));
        assertThat(credentials.kind()).isEqualTo(Kind.NONE);
        assertThat(credentials.hubToken(HUB, "gateway-1", EXPIRY)).isEmpty();
        assertThat(credentials.toString()).doesNotContain(DEVICE_KEY);
    }

    /** The hub link has the key of an X.509 enrollment presented from where its KeystoreService holds it. */
    @Test
    void anX509EnrollmentNamesItsKeystoreKeyAndNothingElseDoes() throws Exception {
        DeviceCredentials keystore = credentials(valid("attestation", "x509", "symmetric.key", "",
                "x509.keystore.service.pid", "HubDeviceKeystore", "x509.keystore.alias", "device"));
        assertThat(keystore.kind()).isEqualTo(Kind.X509);
        assertThat(keystore.enrollmentKey()).contains(new KeystoreKey("HubDeviceKeystore", "device"));
        stop();

        assertThat(credentials(valid()).enrollmentKey()).as("a symmetric key").isEmpty();
        stop();
        Path file = dir.resolve("device.pem");
        java.nio.file.Files.writeString(file, "x");
        assertThat(credentials(valid("attestation", "x509", "symmetric.key", "", "x509.certificate.path",
                file.toString(), "x509.key.path", file.toString())).enrollmentKey()).as("a key from a file").isEmpty();
    }
}
