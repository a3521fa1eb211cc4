package io.kuradps.runtime.support.ssl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The socket factory Kura's SslManagerService hands out, as far as timing goes: every TLS socket it makes, connected
 * or not, has Nagle's algorithm off (Kura 5.5 {@code SSLSocketFactoryWrapper.updateSSLParameters},
 * runtime-support/README.md). Without it two small MQTT packets written back to back (a PUBACK, then the next
 * PUBLISH) wait for the peer's delayed ACK, about 40 ms on Linux, which a Kura transport never does.
 */
final class NoDelaySslSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory sockets;

    NoDelaySslSocketFactory(SSLSocketFactory sockets) {
        this.sockets = sockets;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return sockets.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return sockets.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(sockets.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return noDelay(sockets.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(sockets.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(sockets.createSocket(address, port, localAddress, localPort));
    }

    /** As Kura: TLS sockets only. */
    private static Socket noDelay(Socket socket) throws IOException {
        if (socket instanceof SSLSocket) {
            socket.setTcpNoDelay(true);
        }
        return socket;
    }
}
