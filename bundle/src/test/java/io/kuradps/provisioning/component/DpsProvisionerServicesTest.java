package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.testing.Await;
import io.kuradps.provisioning.testing.LogCapture;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.testsupport.kura.MarkingCryptoService;

/**
 * The component as Kura's services come and go around it, against the simulator: the keystores of certificate
 * issuance created through Kura's ConfigurationService when Kura has none (nothing typed), a keystore that registers
 * after the run looked for it, and Kura stopping (its CryptoService and SystemService leave before the add-on), which
 * is no failure: what they said still holds, and a CryptoService that comes back is used again.
 */
class DpsProvisionerServicesTest {

    static final String KEY = DpsProvisionerTest.KEY;
    static final String OTHER_KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS05ODc2NTQ=";

    @TempDir
    static Path simulatorFiles;
    static DpsSimulator simulator;

    @TempDir
    Path dataArea;
    @TempDir
    Path kuraData;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> allEvents = new CopyOnWriteArrayList<>();
    /** The KeystoreServices registered, by kura.service.pid; the component finds them through its bundle context. */
    private final Map<String, KeystoreService> keystores = new ConcurrentHashMap<>();
    private DpsProvisioning service;
    private DpsProvisioner component;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A")
                .caDirectory(simulatorFiles)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gw-issued", Attestation.symmetricKey(KEY)).withCertificateIssuance(true),
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)),
                        Enrollment.individual("gateway-2", Attestation.symmetricKey(OTHER_KEY))))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void deactivate() {
        if (component != null) {
            component.deactivate();
        }
    }

    @Test
    void withNothingTypedBothKeystoresAreCreatedThroughKurasConfigurationServiceAndTheCertificateIsIssued()
            throws Exception {
        KuraConfiguration kura = new KuraConfiguration();
        component = new DpsProvisioner();
        component.setSystemService(SystemServices.withDataDirectory(kuraData.toString()));
        component.setConfigurationService(kura.service);
        component.configurationAdmin = kura.admin;

        activate(config("registration.id", "gw-issued", "certificate.issuance", true));

        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        Event assigned = next();
        assertThat(assigned.getTopic()).isEqualTo(TOPIC_ASSIGNED);
        assertThat(assigned.getProperty(CERTIFICATE_KEYSTORE_PID)).isEqualTo("KuraDpsKeystore");
        assertThat(kura.created).extracting(c -> c.pid).containsExactly("KuraDpsKeystore", "KuraDpsPendingKeystore");
        for (Created created : kura.created) {
            assertThat(created.factoryPid).isEqualTo("org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl");
            assertThat(created.snapshot).isTrue();
            Path file = kuraData.resolve("kura-dps").resolve(created.pid + ".ks");
            assertThat(created.properties).containsOnly(Map.entry("keystore.path", file.toString()),
                    Map.entry("randomize.password", true));
            assertThat(file).as("Kura's factory creates the file; never a 0-byte one of ours").doesNotExist();
            assertThat(file.getParent()).isDirectory();
        }
        assertThat(allEvents).extracting(Event::getTopic).doesNotContain(TOPIC_FAILED);
    }

    @Test
    void aKeystoreThatRegistersAfterTheRunLookedForItLetsTheRunGoOn() throws Exception {
        component = new DpsProvisioner();
        activate(config("registration.id", "gw-issued", "certificate.issuance", true,
                "certificate.keystore.service.pid", "LateKeystore"));
        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        Await.until("the wait in the status", () -> service.status().errorMessage().isPresent());
        assertThat(service.status().errorMessage().get()).startsWith("certificate.keystore.service.pid: no "
                + "KeystoreService with kura.service.pid=LateKeystore is registered; waiting for it");

        IssuingKeystore late = new IssuingKeystore();
        keystores.put("LateKeystore", late.service);
        keystores.put(CertificateRequest.PENDING_KEYSTORE_PID, new IssuingKeystore(late).service);
        component.keystoreServiceAdded(null);

        Event assigned = next();
        assertThat(assigned.getTopic()).isEqualTo(TOPIC_ASSIGNED);
        assertThat(assigned.getProperty(CERTIFICATE_KEYSTORE_PID)).isEqualTo("LateKeystore");
        assertThat(late.writes).containsExactly("setEntry kura-dps-device");
        assertThat(allEvents).extracting(Event::getTopic).containsExactly(TOPIC_STARTED, TOPIC_ASSIGNED);
    }

    @Test
    void kuraStoppingBeforeTheAddOnIsNoFailure() throws Exception {
        MarkingCryptoService crypto = new MarkingCryptoService();
        SystemService system = SystemServices.answering(Map.of("getSerialNumber", "1",
                "getKuraDataDirectory", kuraData.toString()));
        component = new DpsProvisioner();
        component.setSystemService(system);
        component.setCryptoService(crypto);
        DpsProvisionerConfig stored = config("registration.id", "gateway-${serial}", "symmetric.key",
                crypto.encrypt(KEY));
        activate(stored);
        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        assertThat(next().getProperty(REGISTRATION_ID)).isEqualTo("gateway-1");
        Path cache = kuraData.resolve("kura-dps").resolve("assignment.json");
        String cached = Files.readString(cache);
        ProvisioningStatus before = service.status();

        try (LogCapture log = LogCapture.start()) {
            // Kura's stop: the CryptoService and the SystemService leave first; Kura may hand the configuration again.
            component.unsetCryptoService(crypto);
            component.unsetSystemService(system);
            component.modified(stored);

            assertThat(service.status()).isEqualTo(before);
            assertThat(service.currentAssignment()).isEqualTo(before.assignment());
            assertThat(Files.readString(cache)).isEqualTo(cached);
            // What would follow a failure or a restart comes before this: a registration asked for now goes out with
            // the values already decrypted and resolved.
            service.reprovision();
            Event started = next();
            assertThat(started.getTopic()).isEqualTo(TOPIC_STARTED);
            assertThat(started.getProperty(REGISTRATION_ID)).isEqualTo("gateway-1");
            assertThat(next().getTopic()).isEqualTo(TOPIC_ASSIGNED);
            component.deactivate();
            component = null;

            assertThat(log.lines("ERROR")).isEmpty();
        }
        assertThat(allEvents).extracting(Event::getTopic).doesNotContain(TOPIC_FAILED);
    }

    @Test
    void aPasswordValueThatChangedWhileTheCryptoServiceWasAwayWaitsForItsReturn() throws Exception {
        MarkingCryptoService crypto = new MarkingCryptoService();
        component = new DpsProvisioner();
        component.setCryptoService(crypto);
        activate(config("symmetric.key", crypto.encrypt(KEY)));
        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        assertThat(next().getTopic()).isEqualTo(TOPIC_ASSIGNED);
        ProvisioningStatus before = service.status();

        component.unsetCryptoService(crypto);
        component.modified(config("registration.id", "gateway-2", "symmetric.key", crypto.encrypt(OTHER_KEY)));

        assertThat(service.status()).as("the configuration waits; what is in force stays").isEqualTo(before);
        int decryptions = crypto.decryptions();
        component.setCryptoService(crypto);

        Event started = next();
        assertThat(started.getTopic()).isEqualTo(TOPIC_STARTED);
        assertThat(started.getProperty(REGISTRATION_ID)).isEqualTo("gateway-2");
        Event assigned = next();
        assertThat(assigned.getTopic()).as("the key the CryptoService decrypted on its return").isEqualTo(
                TOPIC_ASSIGNED);
        assertThat(assigned.getProperty(REGISTRATION_ID)).isEqualTo("gateway-2");
        assertThat(crypto.decryptions()).isGreaterThan(decryptions);
        assertThat(allEvents).extracting(Event::getTopic).doesNotContain(TOPIC_FAILED);
    }

    @Test
    void aSystemServiceThatArrivesAfterActivationTakesTheCacheWithoutAskingDpsAgain() throws Exception {
        component = new DpsProvisioner();
        activate(config());
        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        assertThat(next().getProperty(SOURCE)).isEqualTo("dps");
        assertThat(dataArea.resolve("assignment.json")).exists();

        component.setSystemService(SystemServices.withDataDirectory(kuraData.toString()));

        Path moved = kuraData.resolve("kura-dps").resolve("assignment.json");
        Await.until("the cache moved under Kura's data directory", () -> Files.exists(moved)
                && !Files.exists(dataArea.resolve("assignment.json")));
        Await.until("assigned from the cache", () -> service.status().state() == ProvisioningStatus.State.ASSIGNED);
        // Had it asked DPS, its STARTED would come before the one a request brings.
        service.reprovision();
        assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
        assertThat(next().getProperty(SOURCE)).isEqualTo("dps");
        assertThat(allEvents).extracting(Event::getTopic).containsExactly(TOPIC_STARTED, TOPIC_ASSIGNED,
                TOPIC_STARTED, TOPIC_ASSIGNED);
    }

    private DpsProvisionerConfig config(Object... overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("enabled", true);
        properties.put("global.endpoint", "localhost:" + simulator.mqttPort());
        properties.put("id.scope", "0ne00000A0A");
        properties.put("registration.id", "gateway-1");
        properties.put("symmetric.key", KEY);
        properties.put("ca.file", simulator.caCertificateFile().toString());
        properties.put("response.timeout.seconds", 5);
        properties.put("deadline.seconds", 10);
        for (int i = 0; i < overrides.length; i += 2) {
            properties.put((String) overrides[i], overrides[i + 1]);
        }
        return TestConfigs.of(properties);
    }

    private void activate(DpsProvisionerConfig config) {
        component.setEventAdmin((EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { EventAdmin.class }, (proxy, method, args) -> {
                    allEvents.add((Event) args[0]);
                    return events.add((Event) args[0]);
                }));
        component.activate(bundleContext(), config, Collections.emptyMap());
    }

    private Event next() throws InterruptedException {
        Event event = events.poll(20, TimeUnit.SECONDS);
        assertThat(event).as("an event within 20 s").isNotNull();
        return event;
    }

    /** Registers the component's services, gives its data area, and finds the keystores registered so far. */
    private BundleContext bundleContext() {
        BundleContext keystoreLookup = KeystoreDoubles.context(keystores);
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getDataFile":
                            return dataArea.resolve((String) args[0]).toFile();
                        case "registerService":
                            if (args[0] == DpsProvisioning.class) {
                                service = (DpsProvisioning) args[1];
                            }
                            return Proxy.newProxyInstance(getClass().getClassLoader(),
                                    new Class<?>[] { ServiceRegistration.class }, (p, m, a) -> null);
                        default:
                            return method.invoke(keystoreLookup, args);
                    }
                });
    }

    private static final class Created {
        final String factoryPid;
        final String pid;
        final Map<String, Object> properties;
        final boolean snapshot;

        Created(String factoryPid, String pid, Map<String, Object> properties, boolean snapshot) {
            this.factoryPid = factoryPid;
            this.pid = pid;
            this.properties = new HashMap<>(properties);
            this.snapshot = snapshot;
        }
    }

    /**
     * Kura's ConfigurationService and ConfigAdmin as far as the component asks them: no configuration of any
     * keystore until one is created, and a created file keystore registers at once (its KeystoreService a file
     * keystore beside the others, so keys move between them), with DS telling the component.
     */
    private final class KuraConfiguration {
        final List<Created> created = new CopyOnWriteArrayList<>();
        private IssuingKeystore first;

        final ConfigurationService service = (ConfigurationService) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] { ConfigurationService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getComponentConfiguration":
                            return null;
                        case "createFactoryConfiguration":
                            @SuppressWarnings("unchecked")
                            Map<String, Object> properties = (Map<String, Object>) args[2];
                            created.add(new Created((String) args[0], (String) args[1], properties,
                                    (Boolean) args[3]));
                            IssuingKeystore keystore = first == null ? new IssuingKeystore()
                                    : new IssuingKeystore(first);
                            first = first == null ? keystore : first;
                            keystores.put((String) args[1], keystore.service);
                            component.keystoreServiceAdded(null);
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });

        final ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    List<Configuration> matching = new ArrayList<>();
                    for (Created c : created) {
                        if (args[0].equals("(kura.service.pid=" + c.pid + ")")) {
                            matching.add(null);
                        }
                    }
                    return matching.isEmpty() ? null : matching.toArray(new Configuration[0]);
                });
    }
}
