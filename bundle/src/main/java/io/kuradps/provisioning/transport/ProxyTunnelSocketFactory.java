package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Function;

import javax.net.ssl.SSLSocketFactory;

import io.kuradps.provisioning.protocol.ConnectFailure;

/**
 * Hands out {@link TunnelledSslSocket}s: TLS to the target, carried through an HTTP proxy's CONNECT tunnel. Paho
 * calls {@link #createSocket()} and then connect (for {@code ssl://} and {@code wss://} alike); the connected
 * variants do the same at once. Layering over a socket the caller already holds needs no tunnel. Public for the
 * SslManagerService that tunnels Kura's own connection (package proxy).
 */
public final class ProxyTunnelSocketFactory extends SSLSocketFactory {

    private final HttpProxy proxy;
    private final SSLSocketFactory tls;
    private final Function<ConnectFailure, String> advice;

    /** @param tls makes the TLS socket layered over each tunnel (trust, client key, protocols) */
    ProxyTunnelSocketFactory(HttpProxy proxy, SSLSocketFactory tls) {
        this(proxy, tls, null);
    }

    /**
     * @param advice appended to a tunnel failure's message, for callers that see only the exception (Kura's
     *               transport logs it), so the message names the settings to fix; null: nothing appended
     */
    public ProxyTunnelSocketFactory(HttpProxy proxy, SSLSocketFactory tls, Function<ConnectFailure, String> advice) {
        this.proxy = proxy;
        this.tls = tls;
        this.advice = advice;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() {
        return new TunnelledSslSocket(proxy, tls, advice);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(null, InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(localHost, localPort), InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return tls.createSocket(socket, host, port, autoClose);
    }

    private Socket connected(InetSocketAddress local, InetSocketAddress target) throws IOException {
        TunnelledSslSocket socket = new TunnelledSslSocket(proxy, tls, advice);
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(target);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }
}
