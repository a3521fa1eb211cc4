package io.kuradps.bench;

import io.kuradps.provisioning.protocol.DerivedKeys;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.transport.TrustAnchors;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The DPS both clients talk to in the single-device benchmarks: the simulator (retry-after 1 s, assigned on the
 * first poll, one group enrollment) behind a byte-counting, optionally delaying relay on 127.0.0.1:8883, the one port the SDK knows.
 */
final class BenchDps implements AutoCloseable {

    static final String ID_SCOPE = "0ne000BENCH";
    static final String HOST = "localhost";
    static final int SDK_PORT = 8883;
    /** The documentation's group key vector; the simulator derives each device's key from it, as DPS does. */
    static final String GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
    private static final long PORT_WAIT_MILLIS = 120_000;

    /** The in-process simulator, or null when it runs in a process of its own. */
    final DpsSimulator simulator;
    final DelayingRelay relay;
    final OurRegistrar ours;
    final SdkRegistrar sdk;
    private final AutoCloseable dps;

    private BenchDps(DpsSimulator simulator, AutoCloseable dps, DelayingRelay relay, OurRegistrar ours,
            SdkRegistrar sdk) {
        this.simulator = simulator;
        this.dps = dps;
        this.relay = relay;
        this.ours = ours;
        this.sdk = sdk;
    }

    /** The simulator's runnable jar in its own process, behind the relay in this one. */
    static BenchDps external(Path root, Path work) throws Exception {
        ExternalSimulator external = ExternalSimulator.start(root, work, ID_SCOPE, GROUP_KEY);
        try {
            DelayingRelay relay = bindRelay(external.mqttPort());
            List<X509Certificate> ca = TrustAnchors.readCertificates(external.caCertificateFile());
            return new BenchDps(null, external, relay, new OurRegistrar(ID_SCOPE, HOST, SDK_PORT, ca),
                    new SdkRegistrar(ID_SCOPE, HOST, () -> trusting(ca)));
        } catch (Exception e) {
            external.close();
            throw e;
        }
    }

    /** An SSLContext trusting only these CA certificates. */
    static SSLContext trusting(List<X509Certificate> ca) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < ca.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, ca.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the simulator's CA", e);
        }
    }

    static BenchDps start(Path work) throws IOException, GeneralSecurityException, InterruptedException {
        DpsSimulator simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1)
                .idScope(ID_SCOPE).caDirectory(work.resolve("bench-ca")).retryAfterSeconds(1).pollsBeforeAssignment(1)
                .enrollments(Enrollments.of(Enrollment.group("bench", Attestation.symmetricKey(GROUP_KEY))
                        .withIotHubs("bench-hub.azure-devices.net")))
                .start();
        DelayingRelay relay = bindRelay(simulator.mqttPort());
        OurRegistrar ours = new OurRegistrar(ID_SCOPE, HOST, SDK_PORT,
                TrustAnchors.readCertificates(simulator.caCertificateFile()));
        SdkRegistrar sdk = new SdkRegistrar(ID_SCOPE, HOST, simulator::clientSslContext);
        return new BenchDps(simulator, simulator, relay, ours, sdk);
    }

    /** Port 8883 may be held for a while by another build's tests on a shared machine: wait for it, bounded. */
    private static DelayingRelay bindRelay(int target) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + PORT_WAIT_MILLIS;
        while (true) {
            try {
                return new DelayingRelay(SDK_PORT, target);
            } catch (BindException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("port " + SDK_PORT + " stayed taken for " + PORT_WAIT_MILLIS / 1000
                            + " s; the Azure SDK can only connect there", e);
                }
                System.out.println("port " + SDK_PORT + " is taken, waiting for it ...");
                Thread.sleep(2000);
            }
        }
    }

    static String deviceKey(String registrationId) {
        try {
            return DerivedKeys.deviceKey(GROUP_KEY, registrationId);
        } catch (DpsProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        relay.close();
        dps.close();
    }
}
