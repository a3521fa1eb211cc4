package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_ALIAS;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_NOT_AFTER;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
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

import io.kuradps.provisioning.api.DpsProvisioning;

/**
 * Certificates issued by DPS, on the gateway's side: a symmetric-key onboarding ends with the issued certificate
 * stored by Kura's file KeystoreService (the runtime-support stand-in, which creates the key pair and the CSR
 * itself), the certificate is renewed before it expires with one change of its keystore and never a pending key in
 * it, a keystore that registers after the provisioner asked for it is waited for, and a CSR DPS refuses leaves
 * nothing behind. This gateway has no Kura ConfigurationService, so nothing creates keystores here: both are made as
 * Kura's snapshot makes its own, the one where a new key waits for its certificate included.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CertificateIssuanceIT extends SimulatedDpsSupport {

    private static final String KEYSTORE_PID = "DeviceKeystore";
    private static final String ALIAS = "dps-device";
    /** Where the provisioner keeps a new key until its certificate is stored (bundle/README.md). */
    private static final String PENDING_KEYSTORE_PID = "KuraDpsPendingKeystore";

    private org.osgi.service.cm.Configuration keystoreConfiguration;
    private org.osgi.service.cm.Configuration pendingKeystoreConfiguration;

    @Override
    @Configuration
    public Option[] configuration() {
        return new Option[] { composite(super.configuration()),
            frameworkProperty("kuradps.standin.ssl").value("true") };
    }

    /** Where a new key waits for its certificate: a file KeystoreService as Kura's snapshot creates SSLKeystore. */
    @Before
    public void createThePendingKeystore() throws Exception {
        pendingKeystoreConfiguration = FileKeystoreInstance.create(configurationAdmin,
                workDirectory.resolve("pending-keystore.p12"), FileKeystoreInstance.empty(), PENDING_KEYSTORE_PID);
        Await.until("the pending KeystoreService is registered", STEP, () -> keystore(PENDING_KEYSTORE_PID) != null);
    }

    /** The certificate's KeystoreService instance, over an empty PKCS#12 file. */
    private void createTheDeviceKeystore() throws Exception {
        keystoreConfiguration = FileKeystoreInstance.create(configurationAdmin,
                workDirectory.resolve("device-keystore.p12"), FileKeystoreInstance.empty(), KEYSTORE_PID);
        Await.until("the device KeystoreService is registered", STEP, () -> keystore() != null);
    }

    @After
    public void deleteTheKeystores() throws Exception {
        if (keystoreConfiguration != null) {
            keystoreConfiguration.delete();
        }
        pendingKeystoreConfiguration.delete();
    }

    @Test
    public void aSymmetricKeyOnboardingEndsWithAnIssuedCertificateInTheKeystore() throws Exception {
        createTheDeviceKeystore();
        String key = enrollIndividual("gw-issued", e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        individual("gw-issued", key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);

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
        assertEquals("the certificate's keystore holds the key in force only", Collections.singletonList(ALIAS),
                keystore().getAliases());
        assertEquals("the pending key pair is gone", Collections.emptyList(),
                keystore(PENDING_KEYSTORE_PID).getAliases());
        assertEquals(1, simulator.counters().count("gw-issued", io.kuradps.simulator.Counters.EventKind.REGISTER));
    }

    /** At boot a keystore may register after the provisioner: the run waits for it, and nothing fails. */
    @Test
    public void aKeystoreThatRegistersAfterTheProvisionerAskedForItLetsTheRunGoOn() throws Exception {
        String key = enrollIndividual("gw-late-keystore", e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));
        individual("gw-late-keystore", key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);
        Await.until("the provisioner says it waits for " + KEYSTORE_PID, STEP, () -> provisioner()
                .flatMap(p -> p.status().errorMessage())
                .filter(m -> m.contains(KEYSTORE_PID) && m.contains("waiting for it")).isPresent());

        createTheDeviceKeystore();

        awaitAssigned("gw-late-keystore");
        assertTrue("no FAILED while it waited: " + events.seen(), events.seen().stream()
                .noneMatch(e -> e.startsWith("FAILED")));
        assertEquals(Collections.singletonList(ALIAS), keystore().getAliases());
    }

    @Test
    public void theCertificateIsRenewedBeforeItExpiresWithOneChangeOfItsKeystoreAndNeverAPendingKeyInIt()
            throws Exception {
        createTheDeviceKeystore();
        // One listener for both: EventAdmin delivers what one thread posted in the order it was posted, so each
        // ASSIGNED comes after the keystore changes its run made.
        ProvisioningEventLog keystoreChanges = ProvisioningEventLog.listen(context, KeystoreChangedEvent.EVENT_TOPIC,
                TOPIC_ASSIGNED);
        simulator.close();
        // Four seconds of validity: the renewal point is halfway, two seconds after each assignment.
        simulator = startSimulator(b -> b.issuedCertificateValidity(Duration.ofSeconds(4)));
        String key = enrollIndividual("gw-renewed", e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        individual("gw-renewed", key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);

        Event first = awaitAssigned("gw-renewed");
        Event renewed = awaitAssigned("gw-renewed");
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), renewed.getProperty(CERTIFICATE_FINGERPRINT));
        assertTrue((Long) renewed.getProperty(CERTIFICATE_NOT_AFTER) > (Long) first.getProperty(CERTIFICATE_NOT_AFTER));
        // The entry in force is one of those announced (a third renewal may have landed meanwhile), never a gap.
        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) keystore().getEntry(ALIAS);
        assertEquals("CN=gw-renewed", ((X509Certificate) entry.getCertificate()).getSubjectX500Principal().getName());

        // Renewals stop with the provisioner; each certificate it announced was one change of its keystore.
        removeProvisionerConfiguration();
        keystoreChanges.close();
        int changes = 0;
        int announced = 0;
        for (Event event : drained(keystoreChanges)) {
            if (event.getTopic().equals(TOPIC_ASSIGNED)) {
                assertEquals("changes of " + KEYSTORE_PID + " before certificate " + (announced + 1) + "; seen: "
                        + keystoreChanges.seen(), 1, changes);
                announced++;
                changes = 0;
            } else if (KEYSTORE_PID.equals(event.getProperty(KeystoreChangedEvent.SENDER_PID_PROPERTY_KEY))) {
                changes++;
            }
        }
        assertTrue("renewals seen: " + keystoreChanges.seen(), announced >= 2);
        assertEquals(Collections.singletonList(ALIAS), keystore().getAliases());
    }

    /** Every event the log has received so far, in order. */
    private static java.util.List<Event> drained(ProvisioningEventLog log) {
        try {
            while (log.next(Duration.ZERO) != null) {
                // consumed into recorded()
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return log.recorded();
    }

    @Test
    public void aCsrDpsRefusesFailsTheRunAndLeavesNoKeyBehind() throws Exception {
        createTheDeviceKeystore();
        String key = enrollIndividual("gw-no-policy", e -> e.withIotHubs(HUB_A));

        individual("gw-no-policy", key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-no-policy");
        assertEquals(400000, failed.getProperty("error.code"));
        String message = (String) failed.getProperty("error.message");
        assertTrue(message, message.contains("no credential policy"));
        assertEquals(Boolean.FALSE, failed.getProperty("retryable"));
        assertEquals(Collections.emptyList(), keystore().getAliases());
        assertEquals(Collections.emptyList(), keystore(PENDING_KEYSTORE_PID).getAliases());
    }

    /** The provisioner's service; none while the configuration just written is still activating it. */
    private Optional<DpsProvisioning> provisioner() {
        return Optional.ofNullable(context.getServiceReference(DpsProvisioning.class)).map(context::getService);
    }

    private KeystoreService keystore() {
        return keystore(KEYSTORE_PID);
    }

    private KeystoreService keystore(String pid) {
        try {
            Collection<ServiceReference<KeystoreService>> references = context.getServiceReferences(
                    KeystoreService.class, "(" + DpsProvisionerConfiguration.KURA_SERVICE_PID + "=" + pid + ")");
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
