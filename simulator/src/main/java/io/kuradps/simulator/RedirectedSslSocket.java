package io.kuradps.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The unconnected socket {@link LoopbackSocketFactory#createSocket()} hands out (Paho connects its sockets itself).
 * Until it is connected, settings go to a plain unconnected TLS socket of the same factory; connecting opens the
 * routed connection, carries those settings over, and from then on every call goes to the real TLS socket.
 */
final class RedirectedSslSocket extends SSLSocket {

    private final LoopbackSocketFactory factory;
    private final SSLSocket unconnected;
    private final List<HandshakeCompletedListener> listeners = new ArrayList<>();
    private volatile SSLSocket connected;

    RedirectedSslSocket(LoopbackSocketFactory factory, SSLSocket unconnected) {
        this.factory = factory;
        this.unconnected = unconnected;
    }

    private SSLSocket socket() {
        SSLSocket socket = connected;
        return socket != null ? socket : unconnected;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (connected != null) {
            throw new SocketException("already connected");
        }
        SSLSocket socket = factory.open(endpoint, timeout);
        try {
            socket.setUseClientMode(unconnected.getUseClientMode());
            SSLParameters parameters = unconnected.getSSLParameters();
            if (parameters.getServerNames() != null && parameters.getServerNames().isEmpty()) {
                parameters.setServerNames(null); // unset: the connected socket names the host it was given
            }
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(unconnected.getSoTimeout());
            socket.setTcpNoDelay(unconnected.getTcpNoDelay());
            listeners.forEach(socket::addHandshakeCompletedListener);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        connected = socket;
        unconnected.close();
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        throw new SocketException("binding a local address is not supported by the simulator's socket factory");
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return socket().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return socket().getOutputStream();
    }

    @Override
    public void close() throws IOException {
        socket().close();
    }

    @Override
    public void shutdownInput() throws IOException {
        socket().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket().shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return connected != null && connected.isConnected();
    }

    @Override
    public boolean isBound() {
        return connected != null && connected.isBound();
    }

    @Override
    public boolean isClosed() {
        return socket().isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return socket().isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket().isOutputShutdown();
    }

    @Override
    public InetAddress getInetAddress() {
        return socket().getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket().getLocalAddress();
    }

    @Override
    public int getPort() {
        return socket().getPort();
    }

    @Override
    public int getLocalPort() {
        return socket().getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return socket().getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return socket().getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        socket().setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return socket().getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        socket().setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return socket().getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        socket().setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return socket().getKeepAlive();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        socket().setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return socket().getSoLinger();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return socket().getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return socket().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        socket().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return socket().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return socket().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        socket().setEnabledProtocols(protocols);
    }

    @Override
    public SSLParameters getSSLParameters() {
        return socket().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        socket().setSSLParameters(parameters);
    }

    @Override
    public SSLSession getSession() {
        return socket().getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return socket().getHandshakeSession();
    }

    @Override
    public String getApplicationProtocol() {
        return socket().getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return socket().getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        socket().setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (connected == null) {
            listeners.add(listener);
        } else {
            connected.addHandshakeCompletedListener(listener);
        }
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (connected == null) {
            listeners.remove(listener);
        } else {
            connected.removeHandshakeCompletedListener(listener);
        }
    }

    @Override
    public void startHandshake() throws IOException {
        if (connected == null) {
            throw new SocketException("not connected");
        }
        connected.startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        socket().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return socket().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        socket().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return socket().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        socket().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return socket().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        socket().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return socket().getEnableSessionCreation();
    }

    @Override
    public String toString() {
        SSLSocket socket = connected;
        return "RedirectedSslSocket[" + (socket == null ? "unconnected" : socket.toString()) + "]";
    }
}
