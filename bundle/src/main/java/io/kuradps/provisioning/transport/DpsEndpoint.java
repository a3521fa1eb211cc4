package io.kuradps.provisioning.transport;

import java.util.Objects;

import javax.net.ssl.SSLSocketFactory;

import io.kuradps.provisioning.protocol.MqttTransport;

/**
 * Where and how to reach DPS: host, port, plain MQTT over TLS or MQTT over secure WebSocket, the TLS setup, and
 * the HTTP proxy to tunnel through, if any.
 */
public final class DpsEndpoint {

    private final String host;
    private final int port;
    private final boolean webSocket;
    private final SSLSocketFactory socketFactory;
    private final HttpProxy proxy;

    /** A direct connection. */
    public DpsEndpoint(String host, int port, boolean webSocket, SSLSocketFactory socketFactory) {
        this(host, port, webSocket, socketFactory, null);
    }

    /**
     * @param socketFactory the TLS setup with DPS (also through a proxy: TLS is end to end)
     * @param proxy         the HTTP proxy to tunnel through, or null for a direct connection
     */
    public DpsEndpoint(String host, int port, boolean webSocket, SSLSocketFactory socketFactory, HttpProxy proxy) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.webSocket = webSocket;
        Objects.requireNonNull(socketFactory, "socketFactory");
        this.socketFactory = proxy == null ? socketFactory : new ProxyTunnelSocketFactory(proxy, socketFactory);
        this.proxy = proxy;
    }

    /** The URI Paho connects to: {@code ssl://host:port} or {@code wss://host:port/$iothub/websocket}. */
    public String serverUri() {
        return webSocket ? "wss://" + host + ":" + port + MqttTransport.WEBSOCKET_PATH : "ssl://" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean webSocket() {
        return webSocket;
    }

    /** Opens TLS with DPS, through the proxy's tunnel when there is one. */
    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    @Override
    public String toString() {
        return serverUri() + (proxy == null ? "" : " through the " + proxy);
    }
}
