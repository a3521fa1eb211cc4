package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.net.InetAddress;
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
final class Tls12PlusSocketFactory extends SSLSocketFactory {

    static final List<String> ALLOWED_PROTOCOLS = Arrays.asList("TLSv1.3", "TLSv1.2");

    private final SSLSocketFactory delegate;

    Tls12PlusSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return restrict(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return restrict(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return restrict(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return restrict(delegate.createSocket(address, port, localAddress, localPort));
    }

    private static Socket restrict(Socket socket) throws IOException {
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
