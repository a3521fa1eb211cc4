package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.kura.crypto.CryptoService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;
import io.kuradps.testsupport.kura.MarkingCryptoService;
import io.kuradps.testsupport.proxy.LoopbackConnectProxy;

/**
 * The component behind an HTTP CONNECT proxy (Jetty's ConnectHandler in the test JVM, on loopback): both
 * transports through it, Basic credentials accepted and refused, port 8883's stand-in forbidden while the
 * WebSocket port is allowed, the proxy dying mid-registration, and the proxy password in no log line, event or
 * service property.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyIT extends SimulatedDpsSupport {

    private static final String USER = "gw-proxy-account";
    private static final String PASSWORD = "Pr0xy-pass-itest";

    private LoopbackConnectProxy proxy;

    @Override
    @Configuration
    public Option[] configuration() {
        return new Option[] { composite(super.configuration()),
            bootDelegationPackages("io.kuradps.testsupport.proxy", "org.eclipse.jetty", "org.eclipse.jetty.*"),
            systemProperty("org.slf4j.simpleLogger.log.io.kuradps").value("trace") };
    }

    @Before
    public void startProxy() throws Exception {
        proxy = LoopbackConnectProxy.start();
    }

    @After
    public void stopProxy() throws Exception {
        proxy.close();
    }

    private DpsProvisionerConfiguration throughProxy(String registrationId, String key) {
        return individual(registrationId, key).set("proxy.host", "127.0.0.1").set("proxy.port", proxy.port());
    }

    private DpsProvisionerConfiguration overWebSocket(DpsProvisionerConfiguration configuration) {
        return configuration.set("transport", "mqtt-websocket")
                .set("global.endpoint", "127.0.0.1:" + simulator.webSocketPort());
    }

    /** The next RETRYING event about the id whose message contains {@code text}. */
    private Event awaitRetrying(String registrationId, String text) throws InterruptedException {
        return events.await(TOPIC_RETRYING, e -> registrationId.equals(e.getProperty(REGISTRATION_ID))
                && String.valueOf(e.getProperty(ERROR_MESSAGE)).contains(text), STEP);
    }

    @Test
    public void bothTransportsProvisionThroughTheProxy() throws Exception {
        String key = enrollIndividual("gw-proxy-mqtt", HUB_A);
        throughProxy("gw-proxy-mqtt", key).applyTo(configurationAdmin);
        assertEquals(HUB_A, awaitAssigned("gw-proxy-mqtt").getProperty(ASSIGNED_HUB));

        String wsKey = enrollIndividual("gw-proxy-ws", HUB_B);
        overWebSocket(throughProxy("gw-proxy-ws", wsKey)).applyTo(configurationAdmin);
        assertEquals(HUB_B, awaitAssigned("gw-proxy-ws").getProperty(ASSIGNED_HUB));

        assertEquals(java.util.Arrays.asList("127.0.0.1:" + simulator.mqttPort(),
                "127.0.0.1:" + simulator.webSocketPort()), proxy.connectTargets());
    }

    @Test
    public void refusedCredentialsAreRetriedAndNamedUntilTheyAreFixed() throws Exception {
        proxy.requireBasic(USER, PASSWORD);
        String key = enrollIndividual("gw-proxy-auth", HUB_A);

        throughProxy("gw-proxy-auth", key).set("proxy.username", USER).set("proxy.password", "wrong-one")
                .applyTo(configurationAdmin);
        Event refused = awaitRetrying("gw-proxy-auth", "refused the credentials");
        String message = (String) refused.getProperty(ERROR_MESSAGE);
        assertTrue(message, message.startsWith("PROXY: ") && message.contains("407")
                && message.contains("proxy.username") && message.contains("proxy.password"));
        assertEquals(Boolean.TRUE, refused.getProperty(RETRYABLE));
        assertEquals(0, simulator.counters().count("gw-proxy-auth", Counters.EventKind.CONNECT));

        throughProxy("gw-proxy-auth", key).set("proxy.username", USER).set("proxy.password", PASSWORD)
                .applyTo(configurationAdmin);
        assertEquals(HUB_A, awaitAssigned("gw-proxy-auth").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void mqttPortForbiddenSendsTheUserToWebSocket() throws Exception {
        proxy.forbidPort(simulator.mqttPort());
        String key = enrollIndividual("gw-proxy-403", HUB_A);

        throughProxy("gw-proxy-403", key).applyTo(configurationAdmin);
        String message = (String) awaitRetrying("gw-proxy-403", "403").getProperty(ERROR_MESSAGE);
        assertTrue(message, message.contains("refused CONNECT 127.0.0.1:" + simulator.mqttPort())
                && message.contains("transport=mqtt-websocket"));

        overWebSocket(throughProxy("gw-proxy-403", key)).applyTo(configurationAdmin);
        assertEquals(HUB_A, awaitAssigned("gw-proxy-403").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void proxyDyingMidRegistrationIsRetriedUntilItIsBack() throws Exception {
        String key = enrollIndividual("gw-proxy-dies", HUB_A);
        // DPS leaves the first register unanswered, so the registration is in flight when the proxy dies.
        simulator.faults().on(Faults.Trigger.REGISTER).forRegistration("gw-proxy-dies").times(1)
                .inject(Fault.silence());

        throughProxy("gw-proxy-dies", key).applyTo(configurationAdmin);
        Await.until("a register through the proxy", STEP,
                () -> simulator.counters().count("gw-proxy-dies", Counters.EventKind.REGISTER) >= 1);
        proxy.stop();
        awaitRetrying("gw-proxy-dies", "CONNECTION_LOST");
        String unreachable = (String) awaitRetrying("gw-proxy-dies", "PROXY").getProperty(ERROR_MESSAGE);
        assertTrue(unreachable, unreachable.contains("cannot connect to the HTTP proxy 127.0.0.1:" + proxy.port())
                && unreachable.contains("proxy.host"));
        proxy.restart();

        assertEquals(HUB_A, awaitAssigned("gw-proxy-dies").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void theProxyPasswordAppearsNowhere() throws Exception {
        proxy.requireBasic(USER, PASSWORD);
        String key = enrollIndividual("gw-proxy-secret", HUB_A);
        MarkingCryptoService crypto = new MarkingCryptoService();
        ServiceRegistration<CryptoService> cryptoRegistration =
                context.registerService(CryptoService.class, crypto, null);
        String everything;
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            // Kura stores Password values encrypted; the component decrypts them with the CryptoService.
            throughProxy("gw-proxy-secret", key).set("proxy.username", USER)
                    .set("proxy.password", crypto.encrypt(PASSWORD)).applyTo(configurationAdmin);
            awaitAssigned("gw-proxy-secret");
            DpsProvisioning service = context.getService(context.getServiceReference(DpsProvisioning.class));
            String values = service.status() + " " + service.currentAssignment();

            throughProxy("gw-proxy-secret", key).set("proxy.username", USER)
                    .set("proxy.password", crypto.encrypt(PASSWORD + "-wrong")).applyTo(configurationAdmin);
            awaitRetrying("gw-proxy-secret", "refused the credentials");
            values += " " + service.status();
            everything = log.text() + "\n" + events.seen() + "\n" + values;
            assertTrue("the bundle's log lines reached the capture", log.text().contains("HTTP proxy 127.0.0.1"));
        } finally {
            DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
            cryptoRegistration.unregister();
        }
        for (String secret : new String[] { PASSWORD, basic(PASSWORD), basic(PASSWORD + "-wrong") }) {
            assertFalse("secret found in logs, events or values", everything.contains(secret));
        }
        assertFalse("no authorization header", everything.contains("Proxy-Authorization"));
        assertTrue("the decryption was used", crypto.decryptions() > 0);
    }

    private static String basic(String password) {
        return Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
