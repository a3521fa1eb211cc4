package io.kuradps.bench;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.FlowResult;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import io.kuradps.provisioning.transport.TlsSocketFactories;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Ours outside OSGi: the bundle's {@link RegistrationFlow} driven by its Paho transport {@link MqttFlowRunner},
 * exactly as the component's worker thread drives them, with the component's default settings.
 */
final class OurRegistrar implements Registrar {

    private final String idScope;
    private final String host;
    private final int port;
    private final List<X509Certificate> trusted;

    OurRegistrar(String idScope, String host, int port, List<X509Certificate> trusted) {
        this.idScope = idScope;
        this.host = host;
        this.port = port;
        this.trusted = List.copyOf(trusted);
    }

    @Override
    public String name() {
        return "ours";
    }

    @Override
    public Timing register(String registrationId, String deviceKeyBase64) throws Exception {
        long start = System.nanoTime();
        // As the component does for every registration: a fresh TLS set-up, flow and random source.
        DpsEndpoint endpoint = new DpsEndpoint(host, port, false, TlsSocketFactories.create(trusted, null));
        RegistrationSettings settings = RegistrationSettings.builder().idScope(idScope).registrationId(registrationId)
                .credentials(Credentials.symmetricKey(deviceKeyBase64)).build();
        MqttFlowRunner runner = new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(10));
        FlowResult result = runner.run(new RegistrationFlow(settings, Clock.systemUTC(), new SecureRandom()), retrying -> {
        });
        long end = System.nanoTime();
        if (result.registration().isEmpty()) {
            throw new IllegalStateException(registrationId + ": " + result);
        }
        // The runner returns after its Disconnect action: the assignment and the closed connection coincide.
        return new Timing(end - start, end - start);
    }
}
