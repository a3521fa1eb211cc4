package io.kuradps.provisioning.transport;

import java.util.Objects;

import javax.net.ssl.SSLSocketFactory;

/** Where and how to reach DPS: host, port, plain MQTT over TLS or MQTT over secure WebSocket, and the TLS setup. */
public final class DpsEndpoint {

    /** The path the Azure C and Python SDKs use; DPS (and the simulator) accept it. */
    public static final String WEBSOCKET_PATH = "/$iothub/websocket";

    private final String host;
    private final int port;
    private final boolean webSocket;
    private final SSLSocketFactory socketFactory;

    public DpsEndpoint(String host, int port, boolean webSocket, SSLSocketFactory socketFactory) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.webSocket = webSocket;
        this.socketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
    }

    /** The URI Paho connects to: {@code ssl://host:port} or {@code wss://host:port/$iothub/websocket}. */
    public String serverUri() {
        return webSocket ? "wss://" + host + ":" + port + WEBSOCKET_PATH : "ssl://" + host + ":" + port;
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

    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    @Override
    public String toString() {
        return serverUri();
    }
}
