package io.kuradps.testsupport.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP CONNECT proxy on 127.0.0.1: Jetty's ConnectHandler, with the policies the tests need (Basic
 * credentials, forbidden ports). It can be stopped and started again on the same port. The integration tests run it
 * in the test JVM, outside OSGi: this package and Jetty's reach their probe through boot delegation.
 */
public final class LoopbackConnectProxy implements AutoCloseable {

    private final Set<Integer> forbiddenPorts = new CopyOnWriteArraySet<>();
    private final List<String> connectTargets = new CopyOnWriteArrayList<>();
    private final AtomicInteger tunnels = new AtomicInteger();
    private volatile String expectedAuthorization;
    private Server server;
    private int port;

    private LoopbackConnectProxy() {
    }

    /** Starts a proxy on a free loopback port that lets every CONNECT through. */
    public static LoopbackConnectProxy start() throws Exception {
        LoopbackConnectProxy proxy = new LoopbackConnectProxy();
        proxy.listen(0);
        return proxy;
    }

    /** From now on CONNECT needs these Basic credentials (407 otherwise). */
    public LoopbackConnectProxy requireBasic(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** From now on CONNECT to this port is refused (403), whatever the host. */
    public LoopbackConnectProxy forbidPort(int forbidden) {
        forbiddenPorts.add(forbidden);
        return this;
    }

    public int port() {
        return port;
    }

    /** Every host:port asked for with CONNECT, allowed or not. */
    public List<String> connectTargets() {
        return connectTargets;
    }

    /** Tunnels opened to their target. */
    public int tunnelsOpened() {
        return tunnels.get();
    }

    /** Stops listening and drops every tunnel, as a proxy that dies does. */
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
        newServer.setHandler(new PolicyConnectHandler());
        newServer.start();
        server = newServer;
        port = connector.getLocalPort();
    }

    private final class PolicyConnectHandler extends ConnectHandler {

        @Override
        protected void handleConnect(Request request, Response response, Callback callback, String serverAddress) {
            connectTargets.add(serverAddress);
            super.handleConnect(request, response, callback, serverAddress);
        }

        @Override
        protected boolean handleAuthentication(Request request, Response response, String address) {
            String expected = expectedAuthorization;
            if (expected == null || expected.equals(request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION))) {
                return true;
            }
            response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"loopback\"");
            return false;
        }

        @Override
        public boolean validateDestination(String host, int destinationPort) {
            return !forbiddenPorts.contains(destinationPort);
        }

        @Override
        protected void onConnectSuccess(ConnectContext context, UpstreamConnection upstream) {
            tunnels.incrementAndGet();
            super.onConnectSuccess(context, upstream);
        }
    }
}
