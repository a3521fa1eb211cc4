package io.kuradps.runtime.support.configuration;

import static io.kuradps.runtime.support.configuration.Metatype.attribute;
import static io.kuradps.runtime.support.configuration.Metatype.definition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.Password;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import io.kuradps.runtime.support.crypto.DemoCryptoService;

class StandInConfigurationServiceTest {

    static final String TRANSPORT_FACTORY = "org.eclipse.kura.core.data.transport.mqtt.MqttDataTransport";
    static final String TRANSPORT = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    static final String PROVISIONER = "io.kuradps.provisioning.DpsProvisioner";
    static final String READY = "org/eclipse/kura/configuration/ConfigEvent/READY";
    static final String TOKEN = "SharedAccessSignature sr=hub%2Fdevices%2Fgw-1&sig=c2lnbmF0dXJl&se=1700000000";
    static final String NEWER_TOKEN = "SharedAccessSignature sr=hub%2Fdevices%2Fgw-1&sig=bmV3ZXI%3D&se=1700003600";

    static final ObjectClassDefinition TRANSPORT_DEFINITION = definition(TRANSPORT_FACTORY,
            attribute("broker-url", AttributeDefinition.STRING, "mqtt://broker-url:1883/"),
            attribute("password", AttributeDefinition.PASSWORD, "password"),
            attribute("keep-alive", AttributeDefinition.INTEGER, "30"),
            attribute("client-id", AttributeDefinition.STRING, ""));
    static final ObjectClassDefinition PROVISIONER_DEFINITION = definition(PROVISIONER,
            attribute("id.scope", AttributeDefinition.STRING, "0ne00000000"),
            attribute("symmetric.key", AttributeDefinition.PASSWORD));

    @TempDir
    Path data;

    private final List<Event> events = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private DemoCryptoService crypto;
    private InMemoryConfigurationStore store;
    private StandInConfigurationService service;

    @BeforeEach
    void start() throws Exception {
        this.crypto = new DemoCryptoService();
        this.store = new InMemoryConfigurationStore();
        this.service = started(this.store);
    }

    /** A service on that store (ConfigAdmin), the same snapshot directory and key, restored and definitions read. */
    private StandInConfigurationService started(InMemoryConfigurationStore configAdmin) throws KuraException {
        StandInConfigurationService started = new StandInConfigurationService(configAdmin, this.crypto,
                snapshots(10), this.events::add);
        started.start();
        started.registerDefinition(TRANSPORT_FACTORY, TRANSPORT_DEFINITION, true);
        return started;
    }

    private Snapshots snapshots(int keep) {
        return new Snapshots(this.data.resolve("snapshots"), keep, this.crypto, this.clock::incrementAndGet);
    }

    /** What Kura does at every boot: ConfigAdmin wiped, the snapshots kept. */
    private InMemoryConfigurationStore restart() throws KuraException {
        InMemoryConfigurationStore wiped = new InMemoryConfigurationStore();
        this.events.clear();
        this.service = started(wiped);
        return wiped;
    }

    private String decrypt(Object encrypted) throws KuraException {
        return new String(this.crypto.decryptAes(encrypted.toString().toCharArray()));
    }

    @Test
    void updateOfAPidNobodyTracksReturnsWithoutErrorAndIsLost() throws Exception {
        this.service.updateConfiguration(PROVISIONER, Map.of("id.scope", "0ne000ABCDE"), true);

        assertThat(this.store.configurations).doesNotContainKey(PROVISIONER);
        assertThat(this.service.getComponentConfiguration(PROVISIONER)).isNull();

        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        this.service.track(PROVISIONER, PROVISIONER, null);
        assertThat(this.service.getComponentConfiguration(PROVISIONER).getConfigurationProperties())
                .containsEntry("id.scope", "0ne00000000");
    }

    @Test
    void updateAppliesOnceTheComponentIsTracked() throws Exception {
        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        this.service.track(PROVISIONER, PROVISIONER, null);

        this.service.updateConfiguration(PROVISIONER, Map.of("id.scope", "0ne000ABCDE"), false);

        assertThat(this.store.read(PROVISIONER)).containsEntry("id.scope", "0ne000ABCDE")
                .containsEntry("kura.service.pid", PROVISIONER);
    }

    @Test
    void passwordIsEncryptedInConfigAdminAndReadBackDecrypted() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);

        this.service.updateConfiguration(TRANSPORT, Map.of("password", new Password(TOKEN)), false);

        Object stored = this.store.factoryInstance(TRANSPORT).get("password");
        assertThat(stored).isInstanceOf(String.class).asString().doesNotContain("sig=").isNotEqualTo(TOKEN);
        assertThat(decrypt(stored)).isEqualTo(TOKEN);
        Object readBack = this.service.getComponentConfiguration(TRANSPORT).getConfigurationProperties()
                .get("password");
        assertThat(readBack).isInstanceOf(Password.class);
        assertThat(((Password) readBack).getPassword()).containsExactly(TOKEN.toCharArray());
    }

    @Test
    void passwordGivenAsAStringIsStoredInClearAsKuraStoresIt() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);

        this.service.updateConfiguration(TRANSPORT, Map.of("password", TOKEN), false);

        assertThat(this.store.factoryInstance(TRANSPORT)).containsEntry("password", TOKEN);
    }

    @Test
    void factoryConfigurationGetsTheDefaultsWithItsPasswordEncryptedAndItsKuraPid() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, Map.of("client-id", "gw-1"), false);

        Map<String, Object> stored = this.store.factoryInstance(TRANSPORT);
        assertThat(stored).containsEntry("broker-url", "mqtt://broker-url:1883/").containsEntry("keep-alive", 30)
                .containsEntry("client-id", "gw-1").containsEntry("kura.service.pid", TRANSPORT);
        assertThat(decrypt(stored.get("password"))).isEqualTo("password");
        assertThat(this.service.getConfigurableComponentPids()).contains(TRANSPORT);
        assertThat(this.service.getFactoryComponentPids()).contains(TRANSPORT_FACTORY);
    }

    @Test
    void creatingAPidThatExistsIsRefused() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);

        assertThatThrownBy(() -> this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false))
                .isInstanceOf(KuraException.class).hasMessageContaining(TRANSPORT)
                .satisfies(e -> assertThat(((KuraException) e).getCode()).isEqualTo(KuraErrorCode.INVALID_PARAMETER));
    }

    @Test
    void startRestoresTheNewestSnapshotSoAValueWrittenWithoutOneIsStaleAfterARestart() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);
        this.service.updateConfiguration(TRANSPORT,
                Map.of("broker-url", "mqtts://hub:8883/", "password", new Password(TOKEN)), true);
        this.service.updateConfiguration(TRANSPORT, Map.of("password", new Password(NEWER_TOKEN)), false);
        assertThat(decrypt(this.store.factoryInstance(TRANSPORT).get("password"))).isEqualTo(NEWER_TOKEN);

        InMemoryConfigurationStore afterReboot = restart();

        Map<String, Object> restored = afterReboot.factoryInstance(TRANSPORT);
        assertThat(restored).containsEntry("broker-url", "mqtts://hub:8883/");
        assertThat(decrypt(restored.get("password"))).isEqualTo(TOKEN);
        assertThat(afterReboot.factoryPidOf(afterReboot.findFactoryConfiguration(TRANSPORT).orElseThrow()))
                .isEqualTo(TRANSPORT_FACTORY);
        assertThat(this.service.getConfigurableComponentPids()).contains(TRANSPORT);
    }

    @Test
    void noReadyIsPostedByTheConfigurationServiceAsInKuraOnlyItsWebConsolePostsIt() throws Exception {
        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, true);

        restart();

        assertThat(this.events).isEmpty();
        this.service.postReady();
        assertThat(this.events).extracting(Event::getTopic).containsExactly(READY);
    }

    /**
     * Kura's registerComponentOCD at every boot: each tracked configuration, factory instances included, is written
     * again with the values it was restored with, after its component got them (ConfigAdmin then hands the same
     * values to the component's modified).
     */
    @Test
    void everyBootWritesEveryTrackedConfigurationAgainWithIdenticalValues() throws Exception {
        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        this.service.track(PROVISIONER, PROVISIONER, null);
        this.service.updateConfiguration(PROVISIONER, Map.of("id.scope", "0ne000ABCDE"), false);
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);
        this.service.updateConfiguration(TRANSPORT, Map.of("broker-url", "mqtts://hub:8883/",
                "password", new Password(TOKEN)), true);

        InMemoryConfigurationStore afterBoot = new InMemoryConfigurationStore();
        StandInConfigurationService booted = new StandInConfigurationService(afterBoot, this.crypto, snapshots(10),
                this.events::add);
        booted.start();
        booted.track(PROVISIONER, PROVISIONER, null);
        String transport = afterBoot.findFactoryConfiguration(TRANSPORT).orElseThrow();
        Map<String, Object> restoredTransport = afterBoot.read(transport);
        Map<String, Object> restoredProvisioner = afterBoot.read(PROVISIONER);
        int transportWrites = afterBoot.writes(transport);
        int provisionerWrites = afterBoot.writes(PROVISIONER);

        booted.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        booted.registerDefinition(TRANSPORT_FACTORY, TRANSPORT_DEFINITION, true);

        assertThat(afterBoot.writes(transport)).isEqualTo(transportWrites + 1);
        assertThat(afterBoot.writes(PROVISIONER)).isEqualTo(provisionerWrites + 1);
        assertThat(afterBoot.read(transport)).isEqualTo(restoredTransport);
        assertThat(afterBoot.read(PROVISIONER)).isEqualTo(restoredProvisioner)
                .containsEntry("id.scope", "0ne000ABCDE");
    }

    @Test
    void snapshotIsOneEncryptedBlobAndReadsBackDecrypted() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);
        this.service.updateConfiguration(TRANSPORT, Map.of("password", new Password(TOKEN)), false);

        long id = this.service.snapshot();

        String file = new String(Files.readAllBytes(this.data.resolve("snapshots/snapshot_" + id + ".xml")),
                StandardCharsets.UTF_8);
        assertThat(file).doesNotContain("configurations").doesNotContain(TRANSPORT).doesNotContain("sig=");
        assertThat(this.service.getSnapshots()).containsExactly(id);
        ComponentConfiguration transport = this.service.getSnapshot(id).stream()
                .filter(configuration -> configuration.getPid().equals(TRANSPORT)).findFirst().orElseThrow();
        assertThat(((Password) transport.getConfigurationProperties().get("password")).getPassword())
                .containsExactly(TOKEN.toCharArray());
        assertThat(transport.getConfigurationProperties()).containsEntry("service.factoryPid", TRANSPORT_FACTORY);
    }

    @Test
    void plainSnapshotsOfAnImageThatNeverBootedAreEncryptedThenLoaded() throws Exception {
        Path snapshots = Files.createDirectories(this.data.resolve("snapshots"));
        Files.write(snapshots.resolve("snapshot_0.xml"), plainSnapshot("plain-secret").getBytes(StandardCharsets.UTF_8));

        InMemoryConfigurationStore afterBoot = restart();

        Object stored = afterBoot.read(PROVISIONER).get("symmetric.key");
        assertThat(stored).isNotEqualTo("plain-secret");
        assertThat(decrypt(stored)).isEqualTo("plain-secret");
        assertThat(afterBoot.read(PROVISIONER)).containsEntry("id.scope", "0ne000PLAIN");
        assertThat(new String(Files.readAllBytes(snapshots.resolve("snapshot_0.xml")), StandardCharsets.UTF_8))
                .doesNotContain("plain-secret").doesNotContain("configurations");
    }

    @Test
    void aPlainSnapshotAmongEncryptedOnesMakesNoneLoad() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, true);
        long newer = this.service.getSnapshots().iterator().next() + 1;
        Files.write(this.data.resolve("snapshots/snapshot_" + newer + ".xml"),
                plainSnapshot("plain-secret").getBytes(StandardCharsets.UTF_8));

        InMemoryConfigurationStore afterBoot = restart();

        assertThat(afterBoot.configurations).isEmpty();
    }

    @Test
    void oldSnapshotsBeyondTheCountAreDeletedExceptTheSeedingOne() throws Exception {
        Snapshots kept = snapshots(2);
        Files.createDirectories(this.data.resolve("snapshots"));
        Files.write(this.data.resolve("snapshots/snapshot_0.xml"), new byte[0]);

        long first = kept.write(List.of());
        long second = kept.write(List.of());
        long third = kept.write(List.of());

        assertThat(kept.ids()).containsExactly(0L, third).doesNotContain(first, second);
    }

    @Test
    void definitionSeedsTheDefaultsAndKuraPidOfANonFactoryPid() throws Exception {
        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);

        assertThat(this.store.read(PROVISIONER)).containsEntry("id.scope", "0ne00000000")
                .containsEntry("kura.service.pid", PROVISIONER).doesNotContainKey("symmetric.key");
    }

    @Test
    void updateMergesTheRunningValuesAndWritesOnceForOneChange() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, Map.of("client-id", "gw-1"), false);
        String servicePid = this.store.findFactoryConfiguration(TRANSPORT).orElseThrow();
        int before = this.store.writes(servicePid);

        this.service.updateConfiguration(TRANSPORT, Map.of("broker-url", "mqtts://hub:8883/"), false);

        assertThat(this.store.writes(servicePid)).isEqualTo(before + 1);
        assertThat(this.store.factoryInstance(TRANSPORT)).containsEntry("client-id", "gw-1")
                .containsEntry("broker-url", "mqtts://hub:8883/");
    }

    @Test
    void deletedFactoryConfigurationIsGoneFromConfigAdminTrackingAndTheNextSnapshot() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, true);

        this.service.deleteFactoryConfiguration(TRANSPORT, true);

        assertThat(this.store.findFactoryConfiguration(TRANSPORT)).isEmpty();
        assertThat(this.service.getConfigurableComponentPids()).doesNotContain(TRANSPORT);
        long newest = this.service.getSnapshots().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(this.service.getSnapshot(newest)).extracting(ComponentConfiguration::getPid)
                .doesNotContain(TRANSPORT);
    }

    @Test
    void rollbackReturnsToTheSnapshotBeforeTheNewest() throws Exception {
        this.service.createFactoryConfiguration(TRANSPORT_FACTORY, TRANSPORT, null, false);
        this.service.updateConfiguration(TRANSPORT, Map.of("broker-url", "mqtts://old-hub:8883/"), true);
        this.service.updateConfiguration(TRANSPORT, Map.of("broker-url", "mqtts://new-hub:8883/"), true);

        this.service.rollback();

        assertThat(this.store.factoryInstance(TRANSPORT)).containsEntry("broker-url", "mqtts://old-hub:8883/");
    }

    @Test
    void aTrackedPidWhoseServicePidHasNoConfigurationIsReadAsNullPropertiesAndStillSnapshotted() throws Exception {
        // Kura keys its lookup by makeString(service.pid): a String[] service.pid becomes "[Ljava.lang.String;@...".
        this.service.registerDefinition(PROVISIONER, PROVISIONER_DEFINITION, false);
        this.service.track(PROVISIONER, new String[] { PROVISIONER, PROVISIONER }.toString(), null);

        assertThat(this.service.getComponentConfiguration(PROVISIONER).getConfigurationProperties()).isNull();
        long id = this.service.snapshot();
        assertThat(this.service.getSnapshot(id)).extracting(ComponentConfiguration::getPid).contains(PROVISIONER);
    }

    private static String plainSnapshot(String secret) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("id.scope", "0ne000PLAIN");
        properties.put("symmetric.key", new Password(secret));
        properties.put("kura.service.pid", PROVISIONER);
        return SnapshotXml.write(List.of(new StandInComponentConfiguration(PROVISIONER, null, properties)))
                .replace("encrypted=\"true\"", "encrypted=\"false\"");
    }
}
