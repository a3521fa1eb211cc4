package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Restricts every socket to TLS 1.2 and 1.3. A plain "TLS" context on Java 8 still enables 1.0 and 1.1 unless the
 * JVM's security policy disables them, and DPS needs 1.2 or later anyway.
 */
final class Tls12PlusSocketFactory extends DelegatingSocketFactory {

    static final List<String> ALLOWED_PROTOCOLS = Arrays.asList("TLSv1.3", "TLSv1.2");

    Tls12PlusSocketFactory(SSLSocketFactory delegate) {
        super(delegate);
    }

    @Override
    Socket configure(Socket socket) throws IOException {
        if (socket instanceof SSLSocket) {
            SSLSocket ssl = (SSLSocket) socket;
            List<String> enabled = new ArrayList<>();
            for (String protocol : ssl.getSupportedProtocols()) {
                if (ALLOWED_PROTOCOLS.contains(protocol)) {
                    enabled.add(protocol);
                }
            }
            if (enabled.isEmpty()) {
                socket.close();
                throw new IOException("this JVM supports neither TLS 1.2 nor TLS 1.3");
            }
            ssl.setEnabledProtocols(enabled.toArray(new String[0]));
        }
        return socket;
    }
}
