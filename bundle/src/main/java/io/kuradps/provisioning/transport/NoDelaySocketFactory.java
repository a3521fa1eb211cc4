package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.net.Socket;

import javax.net.ssl.SSLSocketFactory;

/**
 * Sends every write at once (TCP_NODELAY). Paho writes each MQTT packet with one flush, and the flow waits for an
 * answer after each, so nothing is gained by coalescing; with Nagle's algorithm, the CONNECT that follows the TLS
 * handshake's last flight waited for its acknowledgement, which the peer delays by up to 40 ms (bench/RESULTS.md,
 * where the time goes).
 */
final class NoDelaySocketFactory extends DelegatingSocketFactory {

    NoDelaySocketFactory(SSLSocketFactory delegate) {
        super(delegate);
    }

    @Override
    Socket configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
