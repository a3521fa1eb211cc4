package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.kura.configuration.Password;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.kuradps.provisioning.testing.Await;

class KuraTransportServicesTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String TOKEN = "SharedAccessSignature sr=h%2Fdevices%2Fd&sig=secret&se=1";

    private final KuraFakes.Configurations configurations = new KuraFakes.Configurations();
    /** The filters ConfigAdmin was asked, and the PIDs it holds a configuration of. */
    private final List<String> filters = new CopyOnWriteArrayList<>();
    private final Set<String> heldByConfigAdmin = new HashSet<>();
    private int reprovisions;
    private final KuraTransportServices kura = new KuraTransportServices(configurations.service,
            this::configurationAdmin, () -> null,
            new TransportTls(configurations.service, new ServiceSet<>(), new ServiceSet<>(),
                    java.time.Clock.systemUTC()), new EventFence(() -> null),
            new TransportConnector(new ServiceSet<>(), new ServiceSet<>(), Duration.ZERO, () -> true, null),
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
    void theRequestGoesToTheProvisioner() {
        kura.reprovision();

        assertThat(reprovisions).isEqualTo(1);
    }

    /**
     * A headless Kura never posts READY (kura.md fact 2): a PID that neither Kura nor ConfigAdmin knows does not
     * exist, and nothing waits for it.
     */
    @Test
    void aPidNobodyHoldsIsAbsentAtOnce() throws Exception {
        assertThat(kura.awaitTracked(TRANSPORT)).isFalse();
        assertThat(filters).containsExactly("(|(kura.service.pid=" + TRANSPORT + ")(service.pid=" + TRANSPORT + "))");
    }

    /** A configuration restored into ConfigAdmin whose component has not registered is waited for until tracked. */
    @Test
    void aPidConfigAdminHoldsIsWaitedForUntilKuraTracksIt() throws Exception {
        heldByConfigAdmin.add(TRANSPORT);
        Thread component = new Thread(() -> {
            Await.until("the hub link asked ConfigAdmin", () -> !filters.isEmpty());
            configurations.create(TRANSPORT, null);
        }, "the transport's component");
        component.start();

        assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT, () -> assertThat(kura.awaitTracked(TRANSPORT)).isTrue());
        assertThat(kura.transportConfiguration(TRANSPORT)).isPresent();
        component.join(Await.DEFAULT_TIMEOUT.toMillis());
    }

    @Test
    void aPidIsEscapedInTheFilter() {
        assertThat(KuraTransportServices.escape("a(b)*c\\d")).isEqualTo("a\\(b\\)\\*c\\\\d");
    }

    private ConfigurationAdmin configurationAdmin() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String filter = (String) args[0];
                    filters.add(filter);
                    return heldByConfigAdmin.stream().anyMatch(pid -> filter.contains("=" + pid + ")"))
                            ? new Configuration[] { null } : null;
                });
    }

    @Test
    void aPidTrackedWithoutPropertiesReadsAsEmptySoTheReadBackFails() throws Exception {
        Map<String, Object> none = null;
        configurations.tracked.put(TRANSPORT, none);

        assertThat(kura.transportConfiguration(TRANSPORT)).hasValue(Collections.emptyMap());
    }
}
