package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.function.Function;

import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.kuradps.provisioning.protocol.ConnectFailure;

/**
 * The socket Paho gets when a proxy is configured. Paho creates an unconnected SSLSocket and calls
 * {@link #connect(SocketAddress, int)} with the DPS address; this socket then connects to the proxy, asks it
 * for a tunnel to that host and port, and layers TLS over the tunnel with the DPS host name, so SNI, the
 * certificate check and hostname verification are with DPS, never with the proxy. From then on every call goes
 * to that TLS socket. The TLS settings exist only once connected: Paho sets them after connect, as does
 * {@link Tls12PlusSocketFactory}, which creates the layered socket.
 */
final class TunnelledSslSocket extends SSLSocket {

    private final HttpProxy proxy;
    private final SSLSocketFactory tls;
    /** Created at once so that {@link #close()} from another thread can end a connect in any phase. */
    private final Socket toProxy = new Socket();
    private volatile SSLSocket layered;
    private final Function<ConnectFailure, String> advice;

    /** @param advice see {@link ProxyTunnelSocketFactory}; null: a tunnel failure's message as it is */
    TunnelledSslSocket(HttpProxy proxy, SSLSocketFactory tls, Function<ConnectFailure, String> advice) {
        this.proxy = proxy;
        this.tls = tls;
        this.advice = advice;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /**
     * @param endpoint the DPS host and port; it need not resolve here, the proxy resolves it
     * @param timeout  bounds the TCP connect to the proxy and the wait for its answer (0: no bound)
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (!(endpoint instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("not an InetSocketAddress: " + endpoint);
        }
        if (layered != null) {
            throw new SocketException("already connected");
        }
        InetSocketAddress target = (InetSocketAddress) endpoint;
        String host = target.getHostString();
        try {
            InetSocketAddress proxyAddress = new InetSocketAddress(proxy.host(), proxy.port());
            if (proxyAddress.isUnresolved()) {
                throw new ProxyTunnelException(ConnectFailure.PROXY_UNREACHABLE,
                        "the host name of the " + proxy + " does not resolve");
            }
            connectToProxy(proxyAddress, timeout);
            int socketTimeout = toProxy.getSoTimeout();
            toProxy.setSoTimeout(timeout);
            HttpConnectTunnel.open(toProxy, proxy, host, target.getPort());
            toProxy.setSoTimeout(socketTimeout);
            layered = (SSLSocket) tls.createSocket(toProxy, host, target.getPort(), true);
        } catch (ProxyTunnelException e) {
            toProxy.close();
            if (advice == null) {
                throw e;
            }
            throw new ProxyTunnelException(e.failure(), e.getMessage() + ". " + advice.apply(e.failure()), e);
        } catch (IOException | RuntimeException e) {
            toProxy.close();
            throw e;
        }
    }

    private void connectToProxy(InetSocketAddress proxyAddress, int timeout) throws IOException {
        try {
            toProxy.connect(proxyAddress, timeout);
        } catch (IOException e) {
            if (toProxy.isClosed()) {
                throw e;
            }
            throw new ProxyTunnelException(ConnectFailure.PROXY_UNREACHABLE,
                    "cannot connect to the " + proxy + ": " + e.getMessage(), e);
        }
    }

    /** The TLS socket over the tunnel; TLS calls before connect are a programming error, not an I/O one. */
    private SSLSocket tls() {
        SSLSocket socket = layered;
        if (socket == null) {
            throw new IllegalStateException("TLS exists once the tunnel through the " + proxy + " is open");
        }
        return socket;
    }

    /** Before connect, plain socket calls (timeouts, binding) go to the connection to the proxy. */
    private Socket current() {
        SSLSocket socket = layered;
        return socket == null ? toProxy : socket;
    }

    @Override
    public void close() throws IOException {
        SSLSocket socket = layered;
        try {
            if (socket != null) {
                socket.close();
            }
        } finally {
            toProxy.close();
        }
    }

    @Override
    public boolean isConnected() {
        return layered != null && layered.isConnected();
    }

    @Override
    public boolean isClosed() {
        return toProxy.isClosed() || (layered != null && layered.isClosed());
    }

    @Override
    public boolean isBound() {
        return current().isBound();
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        toProxy.bind(local);
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return tls().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return tls().getOutputStream();
    }

    @Override
    public void shutdownInput() throws IOException {
        tls().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls().shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return current().isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return current().isOutputShutdown();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public InetAddress getInetAddress() {
        return current().getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return current().getLocalAddress();
    }

    @Override
    public int getPort() {
        return current().getPort();
    }

    @Override
    public int getLocalPort() {
        return current().getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return current().getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return current().getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        current().setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return current().getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        current().setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return current().getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        current().setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return current().getKeepAlive();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        current().setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return current().getSoLinger();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        current().setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return current().getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        current().setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return current().getReceiveBufferSize();
    }

    @Override
    public void setTrafficClass(int trafficClass) throws SocketException {
        current().setTrafficClass(trafficClass);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return current().getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        current().setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return current().getReuseAddress();
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        current().setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return current().getOOBInline();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        tls().sendUrgentData(data);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls().getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return tls().getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        tls().setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return tls().getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return tls().getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        tls().setEnabledProtocols(protocols);
    }

    @Override
    public SSLParameters getSSLParameters() {
        return tls().getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        tls().setSSLParameters(parameters);
    }

    @Override
    public SSLSession getSession() {
        return tls().getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return tls().getHandshakeSession();
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls().addHandshakeCompletedListener(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        tls().removeHandshakeCompletedListener(listener);
    }

    @Override
    public void startHandshake() throws IOException {
        tls().startHandshake();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        tls().setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return tls().getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        tls().setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return tls().getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        tls().setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return tls().getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        tls().setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return tls().getEnableSessionCreation();
    }

    @Override
    public String toString() {
        SSLSocket socket = layered;
        return "TunnelledSslSocket[" + proxy + (socket == null ? ", not connected" : ", " + socket) + "]";
    }
}
