package io.kuradps.provisioning.transport;

import java.util.Objects;

/**
 * An HTTP proxy that DPS connections tunnel through with CONNECT, optionally with Basic credentials. The password
 * is only ever written into the Proxy-Authorization header: never into {@link #toString()} or a message.
 */
public final class HttpProxy {

    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private HttpProxy(String host, int port, String username, String password) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** A proxy that takes CONNECT without credentials. */
    public static HttpProxy at(String host, int port) {
        return new HttpProxy(host, port, null, null);
    }

    /** The same proxy, authenticating with Basic. */
    public HttpProxy withCredentials(String user, String secret) {
        return new HttpProxy(host, port, Objects.requireNonNull(user, "user"), Objects.requireNonNull(secret, "secret"));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    boolean hasCredentials() {
        return username != null;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    /** host:port, with an IPv6 literal in brackets. */
    String address() {
        return HttpConnectTunnel.authority(host, port);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof HttpProxy)) {
            return false;
        }
        HttpProxy that = (HttpProxy) other;
        return host.equals(that.host) && port == that.port && Objects.equals(username, that.username)
                && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, username, password);
    }

    @Override
    public String toString() {
        return "HTTP proxy " + address() + (username == null ? "" : " as user '" + username + "'");
    }
}
