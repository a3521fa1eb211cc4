package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_REQUEST_PROVISION;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static io.kuradps.provisioning.component.TestConfigs.concat;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KuraTopics;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.testsupport.proxy.LoopbackConnectProxy;
import io.kuradps.testsupport.kura.MarkingCryptoService;
import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** The DS component with stand-ins for the framework, provisioning against the DPS simulator. */
class DpsProvisionerTest {

    static final String KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    static final String HUB = "hub-a.azure-devices.net";
    static final String GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";

    @TempDir
    static Path simulatorFiles;
    static DpsSimulator simulator;

    @TempDir
    Path dataArea;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> serviceProperties = new CopyOnWriteArrayList<>();
    private Object registeredService;
    private DeviceCredentials registeredCredentials;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0).idScope("0ne00000A0A")
                .caDirectory(simulatorFiles)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.individual("gateway-x509", Attestation.x509BySimulatorCa()).withIotHubs(HUB),
                        Enrollment.group("fleet", Attestation.symmetricKey(GROUP_KEY)).withIotHubs(HUB)))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private DpsProvisionerConfig config(int port, Object... overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("enabled", true);
        properties.put("global.endpoint", "localhost:" + port);
        properties.put("id.scope", "0ne00000A0A");
        properties.put("registration.id", "gateway-1");
        properties.put("symmetric.key", KEY);
        properties.put("ca.file", simulator.caCertificateFile().toString());
        properties.put("response.timeout.seconds", 5);
        properties.put("deadline.seconds", 10);
        properties.put("backoff.max.seconds", 1);
        for (int i = 0; i < overrides.length; i += 2) {
            properties.put((String) overrides[i], overrides[i + 1]);
        }
        return TestConfigs.of(properties);
    }

    private DpsProvisioner activate(DpsProvisionerConfig config) throws Exception {
        return activate(config, Collections.emptyMap(), null);
    }

    private DpsProvisioner activate(DpsProvisionerConfig config, SystemService systemService) throws Exception {
        return activate(config, Collections.emptyMap(), systemService);
    }

    private DpsProvisioner activate(DpsProvisionerConfig config, Map<String, Object> properties) throws Exception {
        return activate(config, properties, null);
    }

    /** @param properties the component properties beyond the metatype's (the clock offset) */
    private DpsProvisioner activate(DpsProvisionerConfig config, Map<String, Object> properties,
            SystemService systemService) throws Exception {
        DpsProvisioner component = new DpsProvisioner();
        if (systemService != null) {
            component.setSystemService(systemService);
        }
        component.setEventAdmin((EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { EventAdmin.class }, (proxy, method, args) -> events.add((Event) args[0])));
        long start = System.nanoTime();
        component.activate(bundleContext(), config, properties);
        System.out.printf("activate() took %.1f ms%n", (System.nanoTime() - start) / 1e6);
        return component;
    }

    @Test
    void activationProvisionsAndPublishesTheAssignmentAsEventAndServiceProperties() throws Exception {
        DpsProvisioner component = activate(config(simulator.mqttPort()));
        try {
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            Event assigned = next();
            assertThat(assigned.getTopic()).isEqualTo(TOPIC_ASSIGNED);
            assertThat(assigned.getProperty(ASSIGNED_HUB)).isEqualTo(HUB);
            assertThat(assigned.getProperty(SOURCE)).isEqualTo("dps");
            assertThat(serviceProperties).last().satisfies(p -> assertThat(p).containsEntry(ASSIGNED_HUB, HUB));
            DpsProvisioning service = (DpsProvisioning) registeredService;
            assertThat(service.currentAssignment()).isPresent();
            assertThat(service.status().state()).isEqualTo(ProvisioningStatus.State.ASSIGNED);
            // The hub link's handle is registered without properties, so the key cannot show in the registry.
            assertThat(registeredCredentials.kind()).isEqualTo(DeviceCredentials.Kind.SYMMETRIC_KEY);

            component.handleEvent(new Event(TOPIC_REQUEST_PROVISION, Collections.emptyMap()));
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            assertThat(next().getTopic()).isEqualTo(TOPIC_ASSIGNED);
        } finally {
            component.deactivate();
        }
        assertThat(liveThreads()).isEmpty();
    }

    @Test
    void aClockHalfAYearBehindIsCorrectedByDpsUntilKurasClockServiceSetsIt() throws Exception {
        Duration behind = Duration.ofDays(183);
        DpsProvisioner component = activate(config(simulator.mqttPort()),
                Collections.<String, Object>singletonMap(DpsProvisioner.CLOCK_OFFSET_SECONDS, -behind.getSeconds()));
        try {
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            Event retrying = next();
            assertThat(retrying.getTopic()).isEqualTo(TOPIC_RETRYING);
            assertThat((String) retrying.getProperty(ERROR_MESSAGE)).contains("the device clock is wrong",
                    "it is 183 days 0 h behind");
            assertThat(next().getTopic()).isEqualTo(TOPIC_ASSIGNED);
            ServiceClock clock = component.serviceClock();
            assertThat(clock.offset()).isBetween(behind.minusMinutes(1), behind.plusMinutes(1));
            assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofMinutes(1));

            component.handleEvent(new Event(KuraTopics.CLOCK, Collections.emptyMap()));
            assertThat(clock.offset()).as("measured against the clock before it was set").isZero();
            assertThat(clock.basis()).isEqualTo(ServiceClock.Basis.SET_BY_CLOCK_SERVICE);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void restartWithDpsDownPublishesTheCachedHubAndKeepsIt() throws Exception {
        DpsProvisioner first = activate(config(simulator.mqttPort()));
        next();
        assertThat(next().getProperty(SOURCE)).isEqualTo("dps");
        first.deactivate();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // Same id scope, registration id and host: the cache applies although DPS now listens nowhere; every-start
        // still tries DPS.
        DpsProvisioner second = activate(config(closedPort, "reprovision.policy", "every-start"));
        try {
            Event cached = next();
            assertThat(cached.getTopic()).isEqualTo(TOPIC_ASSIGNED);
            assertThat(cached.getProperty(SOURCE)).isEqualTo("cache");
            assertThat(cached.getProperty(ASSIGNED_HUB)).isEqualTo(HUB);
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            assertThat(((DpsProvisioning) registeredService).currentAssignment()).isPresent();
        } finally {
            second.deactivate();
        }
        assertThat(liveThreads()).isEmpty();
    }

    @Test
    void underKuraTheIdComesFromTheTemplateAndTheCacheSurvivesAWipedDataArea(@TempDir Path kuraData)
            throws Exception {
        SystemService gateway = SystemServices.answering(Map.of("getSerialNumber", "SN-7",
                "getKuraDataDirectory", kuraData.toString()));
        Object[] fleet = { "registration.id", "gw-${serial}", "enrollment.kind", "group", "symmetric.key",
            GROUP_KEY };
        DpsProvisioner first = activate(config(simulator.mqttPort(), fleet), gateway);
        try {
            assertThat(next().getProperty(REGISTRATION_ID)).isEqualTo("gw-sn-7");
            Event assigned = next();
            assertThat(assigned.getProperty(DEVICE_ID)).isEqualTo("gw-sn-7");
            assertThat(assigned.getProperty(REGISTRATION_ID)).isEqualTo("gw-sn-7");
            assertThat(serviceProperties).last().satisfies(p -> assertThat(p).containsEntry(REGISTRATION_ID,
                    "gw-sn-7"));
            DpsCommands commands = new DpsCommands();
            commands.setProvisioning((DpsProvisioning) registeredService);
            assertThat(commands.status()).contains("gw-sn-7");
        } finally {
            first.deactivate();
        }
        assertThat(Files.readString(kuraData.resolve("kura-dps/assignment.json"))).contains("\"gw-sn-7\"");
        assertThat(dataArea.resolve("assignment.json")).doesNotExist();

        // A Kura start wipes the bundle data area (osgi.clean=true), which held nothing; DPS is unreachable now.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DpsProvisioner second = activate(config(closedPort, fleet), gateway);
        try {
            Event cached = next();
            assertThat(cached.getProperty(SOURCE)).isEqualTo("cache");
            assertThat(cached.getProperty(REGISTRATION_ID)).isEqualTo("gw-sn-7");
        } finally {
            second.deactivate();
        }
    }

    @Test
    void x509FromAPkcs12FileAndAWrongPasswordNamed() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gateway-x509");
        Path p12 = Files.write(dataArea.resolve("device.p12"), device.pkcs12());
        Object[] x509 = { "attestation", "x509", "symmetric.key", "", "registration.id", "gateway-x509",
            "api.version", "2021-06-01", "x509.pkcs12.path", p12.toString(), "reprovision.policy", "every-start" };

        DpsProvisioner component = activate(config(simulator.mqttPort(),
                append(x509, "x509.pkcs12.password", new String(device.password()))));
        try {
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            assertThat(next().getProperty(ASSIGNED_HUB)).isEqualTo(HUB);
        } finally {
            component.deactivate();
        }

        DpsProvisioner wrongPassword = activate(config(simulator.mqttPort(),
                append(x509, "x509.pkcs12.password", "not-the-password")));
        try {
            // Same id scope, registration id and endpoint: the assignment just made is published from the cache.
            assertThat(next().getProperty(SOURCE)).isEqualTo("cache");
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            Event failed = next();
            assertThat(failed.getTopic()).isEqualTo(TOPIC_FAILED);
            assertThat((String) failed.getProperty("error.message")).startsWith("x509.pkcs12.password:")
                    .doesNotContain(new String(device.password()));
            assertThat(failed.getProperty("retryable")).isEqualTo(false);
        } finally {
            wrongPassword.deactivate();
        }
    }

    private static Object[] append(Object[] pairs, Object... more) {
        Object[] all = java.util.Arrays.copyOf(pairs, pairs.length + more.length);
        System.arraycopy(more, 0, all, pairs.length, more.length);
        return all;
    }

    @Test
    void invalidConfigurationIsReportedWithoutNetworkAttempt() throws Exception {
        long connectsBefore = simulator.counters().connects();
        DpsProvisioner component = activate(config(simulator.mqttPort(), "id.scope", "not-a-scope"));
        try {
            Event failed = next();
            assertThat(failed.getTopic()).isEqualTo(TOPIC_FAILED);
            assertThat((String) failed.getProperty("error.message")).contains("id.scope");
            assertThat(simulator.counters().connects()).isEqualTo(connectsBefore);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void aCryptoServiceBoundAfterConfigurationDecryptsTheStoredKey() throws Exception {
        MarkingCryptoService crypto = new MarkingCryptoService();
        String encrypted = new String(crypto.encryptAes(KEY.toCharArray()));
        DpsProvisioner component = activate(config(simulator.mqttPort(), "symmetric.key", encrypted));
        try {
            // Without a CryptoService the stored value is taken as given, and it is no key.
            Event failed = next();
            assertThat(failed.getTopic()).isEqualTo(TOPIC_FAILED);
            assertThat((String) failed.getProperty("error.message")).contains("symmetric.key:");

            component.setCryptoService(crypto);

            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            Event assigned = next();
            assertThat(assigned.getTopic()).isEqualTo(TOPIC_ASSIGNED);
            assertThat(assigned.getProperty(ASSIGNED_HUB)).isEqualTo(HUB);

        } finally {
            component.deactivate();
        }
    }

    @Test
    void deactivationMidFlightStopsEveryThread() throws Exception {
        simulator.faults().latency("gateway-1", java.time.Duration.ofSeconds(30));
        try {
            DpsProvisioner component = activate(config(simulator.mqttPort()));
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            long start = System.nanoTime();
            component.deactivate();
            System.out.printf("deactivate() mid-flight took %.1f ms%n", (System.nanoTime() - start) / 1e6);
            assertThat(liveThreads()).isEmpty();
        } finally {
            simulator.faults().clear();
        }
    }

    @Test
    void throughAProxyWithBasicCredentialsAndNoSecretInEventsOrProperties() throws Exception {
        String password = "proxy-Pa55-word";
        String basicToken = java.util.Base64.getEncoder()
                .encodeToString(("gw:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (LoopbackConnectProxy proxy = LoopbackConnectProxy.start().requireBasic("gw", password)) {
            // every-start: the changed password must reach DPS although the assignment just made is cached.
            Object[] throughProxy = { "proxy.host", "127.0.0.1", "proxy.port", proxy.port(), "proxy.username", "gw",
                "reprovision.policy", "every-start" };
            DpsProvisioner component = activate(config(simulator.mqttPort(), concat(throughProxy,
                    "proxy.password", password)));
            StringBuilder everything = new StringBuilder();
            try {
                assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
                assertThat(next().getProperty(ASSIGNED_HUB)).isEqualTo(HUB);
                assertThat(proxy.tunnelsOpened()).isEqualTo(1);

                component.modified(config(simulator.mqttPort(), concat(throughProxy, "proxy.password", "wrong")));
                Event refused = next();
                while (!refused.getTopic().equals(TOPIC_RETRYING)) {
                    describe(refused, everything);
                    refused = next();
                }
                describe(refused, everything);
                assertThat((String) refused.getProperty("error.message")).startsWith("PROXY: ")
                        .contains("refused the credentials", "proxy.username", "proxy.password");
                everything.append(serviceProperties).append(((DpsProvisioning) registeredService).status());
            } finally {
                component.deactivate();
            }
            assertThat(everything.toString()).contains("127.0.0.1:" + proxy.port()).doesNotContain(password)
                    .doesNotContain(basicToken);
        }
        assertThat(liveThreads()).isEmpty();
    }

    private static void describe(Event event, StringBuilder text) {
        text.append(event.getTopic());
        for (String name : event.getPropertyNames()) {
            text.append(' ').append(name).append('=').append(event.getProperty(name));
        }
        text.append('\n');
    }

    @Test
    void gogoCommandsReportStatusAndRequestProvisioning() throws Exception {
        DpsProvisioner component = activate(config(simulator.mqttPort()));
        try {
            next();
            next();
            DpsCommands commands = new DpsCommands();
            assertThat(commands.status()).contains("not configured");
            commands.setProvisioning((DpsProvisioning) registeredService);

            assertThat(commands.status()).contains("state=ASSIGNED").contains(HUB);
            assertThat(commands.provision()).contains("requested");
            assertThat(next().getTopic()).isEqualTo(TOPIC_STARTED);
            next();
        } finally {
            component.deactivate();
        }
    }

    private Event next() throws InterruptedException {
        Event event = events.poll(20, TimeUnit.SECONDS);
        assertThat(event).as("an event within 20 s").isNotNull();
        return event;
    }

    private static List<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kura-dps") || t.getName().startsWith("MQTT"))
                .filter(t -> {
                    try {
                        t.join(5000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return t.isAlive();
                })
                .toList();
    }

    @SuppressWarnings("unchecked")
    private BundleContext bundleContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getDataFile":
                            return dataArea.resolve((String) args[0]).toFile();
                        case "registerService":
                            if (args[0] == DeviceCredentials.class) {
                                registeredCredentials = (DeviceCredentials) args[1];
                                assertThat(args[2]).isNull();
                            } else {
                                registeredService = args[1];
                                record((Dictionary<String, Object>) args[2]);
                            }
                            return Proxy.newProxyInstance(getClass().getClassLoader(),
                                    new Class<?>[] { ServiceRegistration.class }, (p, m, a) -> {
                                        if (m.getName().equals("setProperties")) {
                                            record((Dictionary<String, Object>) a[0]);
                                        }
                                        return null;
                                    });
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private void record(Dictionary<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            copy.put(key, properties.get(key));
        }
        serviceProperties.add(copy);
    }
}
