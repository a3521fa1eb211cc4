package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.configuration.Password;
import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.testing.Await;

class KuraTransportServicesTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String TOKEN = "SharedAccessSignature sr=h%2Fdevices%2Fd&sig=secret&se=1";

    private final KuraFakes.Configurations configurations = new KuraFakes.Configurations();
    private final ReadyWait neverReady = new ReadyWait(Duration.ofDays(1));
    private int reprovisions;
    private final KuraTransportServices kura = new KuraTransportServices(configurations.service, () -> null,
            new TransportTls(configurations.service, new ServiceSet<>(), new ServiceSet<>(),
                    java.time.Clock.systemUTC()),
            new TransportConnector(new ServiceSet<>(), new ServiceSet<>(), Duration.ZERO, cause -> { }), neverReady,
            () -> reprovisions++);

    @Test
    void anUntrackedPidReadsAsAbsent() throws Exception {
        assertThat(kura.transportConfiguration(TRANSPORT)).isEmpty();
        configurations.create(TRANSPORT, null);
        assertThat(kura.transportConfiguration(TRANSPORT)).hasValueSatisfying(
                values -> assertThat(values).containsKey("kura.service.pid"));
    }

    @Test
    void theTokenIsWrittenAsAKuraPasswordUnderPasswordWithTheSnapshotFlag() throws Exception {
        configurations.create(TRANSPORT, null);

        kura.writeTransport(TRANSPORT, Collections.singletonMap("client-id", "gw-1"), PasswordChange.set(TOKEN), true);
        kura.writeTransport(TRANSPORT, Collections.emptyMap(), PasswordChange.set(TOKEN), false);

        KuraFakes.Update first = configurations.updates.get(0);
        assertThat(first.properties).containsEntry("client-id", "gw-1").containsKey("password");
        assertThat(first.properties.get("password")).isInstanceOf(Password.class);
        assertThat(new String(((Password) first.properties.get("password")).getPassword())).isEqualTo(TOKEN);
        assertThat(first.snapshot).isTrue();
        assertThat(configurations.updates.get(1).properties).containsOnlyKeys("password");
        assertThat(configurations.updates.get(1).snapshot).isFalse();
    }

    @Test
    void anEmptyPasswordIsWrittenAsAnEmptyKuraPasswordWhichKurasTransportSendsAsNone() throws Exception {
        configurations.create(TRANSPORT, null);

        kura.writeTransport(TRANSPORT, Collections.emptyMap(), PasswordChange.clear(), false);

        Object password = configurations.lastUpdate().properties.get("password");
        assertThat(password).isInstanceOf(Password.class);
        assertThat(((Password) password).getPassword()).isEmpty();
    }

    @Test
    void nothingToWriteWritesNothing() throws Exception {
        configurations.create(TRANSPORT, null);

        kura.writeTransport(TRANSPORT, new HashMap<>(), PasswordChange.keep(), false);

        assertThat(configurations.updates).isEmpty();
    }

    @Test
    void aTrackedPidNeedsNoReadyAndTheRequestGoesToTheProvisioner() throws Exception {
        configurations.create(TRANSPORT, null);

        // Would wait a day for READY if it waited here; the bound fails the test instead.
        assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT, () -> kura.awaitConfigurationReady(TRANSPORT));
        kura.reprovision();

        assertThat(reprovisions).isEqualTo(1);
    }

    @Test
    void aPidTrackedWithoutPropertiesReadsAsEmptySoTheReadBackFails() throws Exception {
        Map<String, Object> none = null;
        configurations.tracked.put(TRANSPORT, none);

        assertThat(kura.transportConfiguration(TRANSPORT)).hasValue(Collections.emptyMap());
    }
}
