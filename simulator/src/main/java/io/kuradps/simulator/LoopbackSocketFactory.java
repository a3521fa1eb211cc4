package io.kuradps.simulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A client socket factory that reaches the simulated IoT hubs on loopback under their real host names: a
 * connection to {@code {hub}:8883} goes to the hub endpoint's MQTT port, one to {@code {hub}:443} to its
 * WebSocket port, while TLS still names the hub (SNI and the certificate's host name check), so the client runs
 * exactly as against IoT Hub and the broker URL stays {@code mqtts://{hub}:8883}. Loopback addresses pass
 * through unchanged; any other host fails as an unknown host, so nothing leaves the machine.
 *
 * <p>Give it to Paho ({@code MqttConnectOptions.setSocketFactory}), or hand it out from a test
 * {@code SslManagerService}, where Kura's transport takes its socket factory. It does not stop the client from
 * looking the hub's name up in DNS first (Paho does, and ignores the answer); see simulator/README.md.
 */
public final class LoopbackSocketFactory extends SSLSocketFactory {

    /** The ports IoT Hub serves MQTT and MQTT over WebSocket on, as broker URLs name them. */
    public static final int HUB_MQTT_PORT = 8883;
    public static final int HUB_WEBSOCKET_PORT = 443;

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");

    private final SSLSocketFactory tls;
    private final Predicate<String> servedHubs;
    private final String loopbackHost;
    private final int mqttPort;
    private final int webSocketPort;

    LoopbackSocketFactory(SSLSocketFactory tls, Predicate<String> servedHubs, String loopbackHost, int mqttPort,
            int webSocketPort) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.servedHubs = servedHubs;
        this.loopbackHost = loopbackHost;
        this.mqttPort = mqttPort;
        this.webSocketPort = webSocketPort;
    }

    /** Where a connection to that host and port really goes. */
    InetSocketAddress route(String host, int port) throws IOException {
        if (servedHubs.test(host)) {
            if (port == HUB_MQTT_PORT || port == mqttPort) {
                return new InetSocketAddress(loopbackHost, mqttPort);
            }
            if (webSocketPort >= 0 && (port == HUB_WEBSOCKET_PORT || port == webSocketPort)) {
                return new InetSocketAddress(loopbackHost, webSocketPort);
            }
            throw new ConnectException("the simulated hub " + host + " has no port " + port + ": it serves MQTT on "
                    + HUB_MQTT_PORT + (webSocketPort >= 0 ? " and WebSocket on " + HUB_WEBSOCKET_PORT : ""));
        }
        if (LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT)) || host.equals(loopbackHost)) {
            return new InetSocketAddress(host, port);
        }
        throw new UnknownHostException(host + " is not a hub of the simulator (this socket factory reaches only "
                + "the simulator's hubs and loopback)");
    }

    /** Opens the TCP connection where {@link #route} says and starts TLS on it under the requested name. */
    SSLSocket open(SocketAddress requested, int timeoutMillis) throws IOException {
        if (!(requested instanceof InetSocketAddress address)) {
            throw new IllegalArgumentException("not an internet address: " + requested);
        }
        Socket plain = new Socket();
        try {
            plain.connect(route(address.getHostString(), address.getPort()), timeoutMillis);
            return (SSLSocket) tls.createSocket(plain, address.getHostString(), address.getPort(), true);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** An unconnected socket; connecting it routes as above. */
    @Override
    public Socket createSocket() throws IOException {
        return new RedirectedSslSocket(this, (SSLSocket) tls.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(InetSocketAddress.createUnresolved(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    /** TLS over a connection the caller made itself (a proxy tunnel, say): nothing to route. */
    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return tls.createSocket(socket, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    @Override
    public String toString() {
        return "LoopbackSocketFactory[hubs -> " + loopbackHost + ":" + mqttPort
                + (webSocketPort >= 0 ? " and :" + webSocketPort : "") + "]";
    }
}
