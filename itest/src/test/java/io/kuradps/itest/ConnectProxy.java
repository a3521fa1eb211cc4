package io.kuradps.itest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP CONNECT proxy (Jetty's ConnectHandler) on 127.0.0.1 in the test JVM, outside OSGi: Jetty's
 * packages reach the probe through boot delegation, like the simulator's. Basic credentials and forbidden
 * ports on demand; it can die and come back on the same port. (The bundle's unit tests have their own: test
 * classes are not shared between the modules.)
 */
public final class ConnectProxy implements AutoCloseable {

    private final Set<Integer> forbiddenPorts = new CopyOnWriteArraySet<>();
    private final List<String> connectTargets = new CopyOnWriteArrayList<>();
    private volatile String expectedAuthorization;
    private Server server;
    private int port;

    private ConnectProxy() {
    }

    public static ConnectProxy start() throws Exception {
        ConnectProxy proxy = new ConnectProxy();
        proxy.listen(0);
        return proxy;
    }

    /** CONNECT needs these Basic credentials from now on (407 otherwise). */
    public ConnectProxy requireBasic(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** CONNECT to this port is refused with 403 from now on. */
    public ConnectProxy forbidPort(int forbidden) {
        forbiddenPorts.add(forbidden);
        return this;
    }

    public int port() {
        return port;
    }

    /** Every host:port asked for with CONNECT. */
    public List<String> connectTargets() {
        return connectTargets;
    }

    /** Stops listening and drops every tunnel. */
    public void stop() throws Exception {
        server.stop();
    }

    /** Listens again on the same port. */
    public void restart() throws Exception {
        listen(port);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private void listen(int requestedPort) throws Exception {
        Server newServer = new Server();
        ServerConnector connector = new ServerConnector(newServer);
        connector.setHost("127.0.0.1");
        connector.setPort(requestedPort);
        newServer.addConnector(connector);
        newServer.setHandler(new ConnectHandler() {
            @Override
            protected void handleConnect(Request request, Response response, Callback callback, String address) {
                connectTargets.add(address);
                super.handleConnect(request, response, callback, address);
            }

            @Override
            protected boolean handleAuthentication(Request request, Response response, String address) {
                String expected = expectedAuthorization;
                if (expected == null || expected.equals(request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION))) {
                    return true;
                }
                response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"itest\"");
                return false;
            }

            @Override
            public boolean validateDestination(String host, int destinationPort) {
                return !forbiddenPorts.contains(destinationPort);
            }
        });
        newServer.start();
        server = newServer;
        port = connector.getLocalPort();
    }
}
