package io.kuradps.simulator;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/** The TLS policy both endpoints (DPS and the IoT hub) serve with: the JDK provider, TLS 1.2 and 1.3 only. */
final class ServerTls {

    private ServerTls() {
    }

    /**
     * Completes a server context with the simulator's policy. Client certificates are requested but checked at
     * CONNECT against the enrollments, not by TLS, so that a wrong certificate gets the service's answer (DPS's
     * 401, the hub's CONNACK) rather than a failed handshake.
     */
    static SslContext build(SslContextBuilder serverBuilder) {
        try {
            return serverBuilder.sslProvider(SslProvider.JDK).protocols(DpsSimulator.TLS_PROTOCOLS)
                    .clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
    }
}
