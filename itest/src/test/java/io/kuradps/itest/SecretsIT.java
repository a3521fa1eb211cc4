package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.net.URLEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.kura.crypto.CryptoService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Enrollment;
import io.kuradps.testsupport.kura.MarkingCryptoService;

/**
 * A group enrollment provisioned with every log level of the bundle on (TRACE), then a failure with a wrong key: the
 * group key, the derived device key, the SAS token and its signature appear in no log line, event property, service
 * property of the bundle's services, toString of what the service returns, or failure message. The Password value
 * reaches ConfigAdmin encrypted, as Kura stores it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecretsIT extends SimulatedDpsSupport {

    private static final String ID = "gw-secrets";
    private static final int SAS_LIFETIME_SECONDS = 3600;

    @Override
    @Configuration
    public Option[] configuration() {
        // After the stack's options, so these win.
        return new Option[] { composite(super.configuration()),
            systemProperty("org.slf4j.simpleLogger.log.io.kuradps").value("trace"),
            systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("trace") };
    }

    @Test
    public void noSecretAppearsAnywhereAUserOrAnotherBundleCanLook() throws Exception {
        String groupKey = newKey();
        String wrongKey = newKey();
        simulator.enrollments().put(Enrollment.group("secret-fleet", Attestation.symmetricKey(groupKey))
                .withIotHubs(HUB_A));
        MarkingCryptoService crypto = new MarkingCryptoService();
        ServiceRegistration<CryptoService> cryptoRegistration =
                context.registerService(CryptoService.class, crypto, null);
        String everything;
        long from = Instant.now().getEpochSecond();
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            configuration(simulator).symmetricKey(ID, "group", crypto.encrypt(groupKey)).applyTo(configurationAdmin);
            awaitAssigned(ID);
            String services = bundleServiceProperties();
            DpsProvisioning service = context.getService(context.getServiceReference(DpsProvisioning.class));
            String values = service.status() + " " + service.currentAssignment();

            configuration(simulator).symmetricKey(ID, "group", crypto.encrypt(wrongKey)).applyTo(configurationAdmin);
            awaitEvent(TOPIC_FAILED, ID);
            values += " " + service.status();
            everything = log.text() + "\n" + events.seen() + "\n" + services + "\n" + values;
            assertTrue("the bundle's log lines reached the capture", log.text().contains("Registering " + ID));
        } finally {
            DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
            cryptoRegistration.unregister();
        }
        long to = Instant.now().getEpochSecond();

        List<String> secrets = new ArrayList<>();
        for (String key : new String[] { groupKey, wrongKey }) {
            String derived = HubTokens.hmac(key, ID);
            secrets.add(key);
            secrets.add(derived);
            // Every SAS signature either key could have produced during the test (expiry = now + lifetime).
            for (long se = from + SAS_LIFETIME_SECONDS - 5; se <= to + SAS_LIFETIME_SECONDS + 5; se++) {
                String signature = HubTokens.hmac(derived, resource() + "\n" + se);
                secrets.add(signature);
                secrets.add(URLEncoder.encode(signature, "UTF-8"));
            }
        }
        List<String> found = new ArrayList<>();
        for (String secret : secrets) {
            if (everything.contains(secret)) {
                found.add(secret.substring(0, 6) + "...");
            }
        }
        assertEquals("secrets found in logs, events, service properties or values", new ArrayList<String>(), found);
        assertTrue("no SAS token", !everything.contains("SharedAccessSignature") && !everything.contains("sig="));
        assertTrue("the decryption was used", crypto.decryptions() > 0);
    }

    private String resource() throws Exception {
        return URLEncoder.encode(simulator.idScope() + "/registrations/" + ID, "UTF-8");
    }

    /** Every property of every service the provisioning bundle registered. */
    private String bundleServiceProperties() {
        StringBuilder text = new StringBuilder();
        for (Bundle bundle : context.getBundles()) {
            if (KuraStack.PROVISIONING_BUNDLE.equals(bundle.getSymbolicName())
                    && bundle.getRegisteredServices() != null) {
                for (ServiceReference<?> reference : bundle.getRegisteredServices()) {
                    for (String name : reference.getPropertyKeys()) {
                        Object value = reference.getProperty(name);
                        text.append(name).append('=').append(value instanceof Object[]
                                ? java.util.Arrays.toString((Object[]) value) : value).append('\n');
                    }
                }
            }
        }
        assertTrue("the bundle's services were found", text.length() > 0);
        return text.toString();
    }
}
