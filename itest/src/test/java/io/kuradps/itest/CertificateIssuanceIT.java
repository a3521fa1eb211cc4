package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_ALIAS;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_NOT_AFTER;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Locale;

import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * Certificates issued by DPS, on the gateway's side: a symmetric-key onboarding ends with the issued certificate
 * stored by Kura's file KeystoreService (the runtime-support stand-in, which creates the key pair and the CSR
 * itself), the certificate is renewed before it expires, and a CSR DPS refuses leaves nothing behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CertificateIssuanceIT extends SimulatedDpsSupport {

    private static final String KEYSTORE_FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    private static final String KEYSTORE_PID = "DeviceKeystore";
    private static final String ALIAS = "dps-device";
    private static final String PASSWORD = "changeit";

    private org.osgi.service.cm.Configuration keystoreConfiguration;

    @Override
    @Configuration
    public Option[] configuration() {
        return new Option[] { composite(super.configuration()),
            frameworkProperty("kuradps.standin.ssl").value("true") };
    }

    /** A file KeystoreService instance, as Kura's snapshot creates SSLKeystore, over an empty PKCS#12 file. */
    @Before
    public void createTheDeviceKeystore() throws Exception {
        Path file = workDirectory.resolve("device-keystore.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(file)) {
            empty.store(out, PASSWORD.toCharArray());
        }
        keystoreConfiguration = configurationAdmin.createFactoryConfiguration(KEYSTORE_FACTORY_PID, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("keystore.path", file.toString());
        properties.put("keystore.password", PASSWORD);
        properties.put(DpsProvisionerConfiguration.KURA_SERVICE_PID, KEYSTORE_PID);
        keystoreConfiguration.update(properties);
        Await.until("the device KeystoreService is registered", STEP, () -> keystore() != null);
    }

    @After
    public void deleteTheDeviceKeystore() throws Exception {
        keystoreConfiguration.delete();
    }

    @Test
    public void aSymmetricKeyOnboardingEndsWithAnIssuedCertificateInTheKeystore() throws Exception {
        String key = enrollIndividual("gw-issued", e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        requestingACertificate("gw-issued", key).applyTo(configurationAdmin);

        Event assigned = awaitAssigned("gw-issued");
        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) keystore().getEntry(ALIAS);
        X509Certificate leaf = (X509Certificate) entry.getCertificate();
        assertEquals("CN=gw-issued", leaf.getSubjectX500Principal().getName());
        Certificate[] chain = entry.getCertificateChain();
        assertEquals(2, chain.length);
        assertEquals(simulatorCa(), chain[1]);
        leaf.verify(simulatorCa().getPublicKey());
        assertEquals(sha256(leaf), assigned.getProperty(CERTIFICATE_FINGERPRINT));
        assertEquals(leaf.getNotAfter().getTime(), assigned.getProperty(CERTIFICATE_NOT_AFTER));
        assertEquals(KEYSTORE_PID, assigned.getProperty(CERTIFICATE_KEYSTORE_PID));
        assertEquals(ALIAS, assigned.getProperty(CERTIFICATE_ALIAS));
        assertNull("the pending key pair is gone", keystore().getEntry(ALIAS + ".pending"));
        assertEquals(1, simulator.counters().count("gw-issued", io.kuradps.simulator.Counters.EventKind.REGISTER));
    }

    @Test
    public void theCertificateIsRenewedBeforeItExpires() throws Exception {
        simulator.close();
        // Four seconds of validity: the renewal point is halfway, two seconds after each assignment.
        simulator = startSimulator(b -> b.issuedCertificateValidity(Duration.ofSeconds(4)));
        String key = enrollIndividual("gw-renewed", e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        requestingACertificate("gw-renewed", key).applyTo(configurationAdmin);

        Event first = awaitAssigned("gw-renewed");
        Event renewed = awaitAssigned("gw-renewed");
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), renewed.getProperty(CERTIFICATE_FINGERPRINT));
        assertTrue((Long) renewed.getProperty(CERTIFICATE_NOT_AFTER) > (Long) first.getProperty(CERTIFICATE_NOT_AFTER));
        // The entry in force is one of those announced (a third renewal may have landed meanwhile), never a gap.
        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) keystore().getEntry(ALIAS);
        assertEquals("CN=gw-renewed", ((X509Certificate) entry.getCertificate()).getSubjectX500Principal().getName());
    }

    @Test
    public void aCsrDpsRefusesFailsTheRunAndLeavesNoKeyBehind() throws Exception {
        String key = enrollIndividual("gw-no-policy", e -> e.withIotHubs(HUB_A));

        requestingACertificate("gw-no-policy", key).applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-no-policy");
        assertEquals(400000, failed.getProperty("error.code"));
        String message = (String) failed.getProperty("error.message");
        assertTrue(message, message.contains("no credential policy"));
        assertEquals(Boolean.FALSE, failed.getProperty("retryable"));
        assertNull(keystore().getEntry(ALIAS));
        assertNull(keystore().getEntry(ALIAS + ".pending"));
    }

    private DpsProvisionerConfiguration requestingACertificate(String registrationId, String key) {
        return individual(registrationId, key)
                .set("certificate.issuance", true)
                .set("certificate.keystore.service.pid", KEYSTORE_PID)
                .set("certificate.keystore.alias", ALIAS)
                .set("certificate.renew.before.hours", 1);
    }

    private KeystoreService keystore() {
        try {
            Collection<ServiceReference<KeystoreService>> references = context.getServiceReferences(
                    KeystoreService.class, "(" + DpsProvisionerConfiguration.KURA_SERVICE_PID + "=" + KEYSTORE_PID + ")");
            return references.isEmpty() ? null : context.getService(references.iterator().next());
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private X509Certificate simulatorCa() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
    }

    private static String sha256(X509Certificate certificate) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())) {
            hex.append(String.format(Locale.ROOT, "%02X", b));
        }
        return hex.toString();
    }
}
