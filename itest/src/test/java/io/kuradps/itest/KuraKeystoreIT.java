package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Proxy;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.Enrollment;

/**
 * Kura's keystores as a gateway has them: a KeystoreService whose keys never leave it (PKCS#11, Kura 5.2 and
 * later) gives the X.509 identity, and CA certificates in a named KeystoreService (as Kura's certificate page adds
 * them) are trusted without any ca.file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KuraKeystoreIT extends SimulatedDpsSupport {

    private final List<ServiceRegistration<?>> keystores = new ArrayList<>();

    @After
    public void unregisterKeystores() {
        keystores.forEach(ServiceRegistration::unregister);
        keystores.clear();
    }

    @Test
    public void x509FromAKeystoreServiceWhoseKeysCannotBeReadOut() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gw-pkcs11");
        simulator.enrollments().put(Enrollment.individual("gw-pkcs11", Attestation.x509(device.certificatePem()))
                .withIotHubs(HUB_A));
        register("DeviceKeystore", nonExtractable(device));

        x509FromKeystore("gw-pkcs11", "DeviceKeystore", DeviceIdentity.ALIAS).applyTo(configurationAdmin);

        assertEquals(HUB_A, awaitAssigned("gw-pkcs11").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void anAliasThatIsNoKeyEntryIsNamed() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gw-pkcs11-alias");
        register("DeviceKeystore", nonExtractable(device));
        long connectsBefore = simulator.counters().connects();

        x509FromKeystore("gw-pkcs11-alias", "DeviceKeystore", "dps-device").applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-pkcs11-alias");
        String message = (String) failed.getProperty("error.message");
        assertTrue(message, message.contains("x509.keystore.alias: 'dps-device' is not a key entry"));
        assertTrue(message, message.contains("its key entries: " + DeviceIdentity.ALIAS));
        assertEquals(Boolean.FALSE, failed.getProperty("retryable"));
        assertEquals("nothing was sent", connectsBefore, simulator.counters().connects());
    }

    @Test
    public void aCaOnlyInTheNamedKeystoreServiceIsTrusted() throws Exception {
        String key = enrollIndividual("gw-keystore-trust", HUB_B);
        register("CaKeystore", readable(trustStoreWith(simulator.caCertificatePem())));

        individual("gw-keystore-trust", key)
                .set("ca.file", "")
                .set("ca.keystore.service.pid", "CaKeystore")
                .applyTo(configurationAdmin);

        assertEquals(HUB_B, awaitAssigned("gw-keystore-trust").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void withoutTheKeystoreTheSameServerIsNotTrusted() throws Exception {
        String key = enrollIndividual("gw-keystore-untrusted", HUB_B);

        individual("gw-keystore-untrusted", key).set("ca.file", "").applyTo(configurationAdmin);

        String message = (String) awaitEvent(TOPIC_FAILED, "gw-keystore-untrusted").getProperty("error.message");
        assertTrue(message, message.startsWith("TLS"));
        assertEquals(0, simulator.counters().count("gw-keystore-untrusted", Counters.EventKind.REGISTER));
    }

    private DpsProvisionerConfiguration x509FromKeystore(String registrationId, String pid, String alias) {
        return configuration(simulator)
                .set("registration.id", registrationId)
                .set("attestation", "x509")
                .set("api.version", "2021-06-01")
                .set("x509.keystore.service.pid", pid)
                .set("x509.keystore.alias", alias);
    }

    private void register(String kuraServicePid, KeystoreService keystore) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DpsProvisionerConfiguration.KURA_SERVICE_PID, kuraServicePid);
        keystores.add(context.registerService(KeystoreService.class, keystore, properties));
    }

    /**
     * Like Kura's PKCS#11 KeystoreService: its key managers sign with the device key inside the store, while
     * getEntry and getKeyStore fail, so no copy of the key can be taken.
     */
    private static KeystoreService nonExtractable(DeviceIdentity device) {
        KeyStore store = device.keyStore();
        char[] password = device.password();
        return keystore((method, args) -> {
            switch (method) {
                case "getKeyManagers":
                    KeyManagerFactory factory = KeyManagerFactory.getInstance((String) args[0]);
                    factory.init(store, password);
                    return Arrays.asList(factory.getKeyManagers());
                case "getAliases":
                    return Collections.list(store.aliases());
                case "getEntry":
                case "getKeyStore":
                    throw new KuraException(KuraErrorCode.INTERNAL_ERROR, "the key cannot leave the token");
                default:
                    throw new UnsupportedOperationException(method);
            }
        });
    }

    /** A KeystoreService that gives its store, as Kura's filesystem keystores do. */
    private static KeystoreService readable(KeyStore store) {
        return keystore((method, args) -> {
            if (method.equals("getKeyStore")) {
                return store;
            }
            throw new UnsupportedOperationException(method);
        });
    }

    private static KeyStore trustStoreWith(String caPem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("dps-simulator-ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
        return store;
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static KeystoreService keystore(Answer answer) {
        return (KeystoreService) Proxy.newProxyInstance(KuraKeystoreIT.class.getClassLoader(),
                new Class<?>[] { KeystoreService.class }, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "KeystoreService stand-in"
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                        : proxy == args[0];
                    }
                    return answer.answer(method.getName(), args);
                });
    }
}
