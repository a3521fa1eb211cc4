package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.kuradps.provisioning.protocol.ConnectFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers a real proxy (see {@link ProxyTunnelTest}) does not give on demand: cut short, endless, silent,
 * other authentication schemes. A loopback socket plays back one canned answer.
 */
class HttpConnectTunnelTest {

    private ServerSocket server;
    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws Exception {
        server.close();
        serverThread.shutdownNow();
        assertThat(serverThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Accepts one connection, reads the request head, answers with the given bytes and closes. */
    private CompletableFuture<String> answer(String response) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket client = server.accept()) {
                String request = readHead(client.getInputStream());
                client.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                client.getOutputStream().flush();
                return request;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, serverThread);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    private Socket connectedToServer() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 2000);
        socket.setSoTimeout(2000);
        return socket;
    }

    private ProxyTunnelException failureFor(String response, HttpProxy proxy) throws Exception {
        CompletableFuture<String> request = answer(response);
        try (Socket socket = connectedToServer()) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> HttpConnectTunnel.open(socket, proxy, "dps.example.net", 8883));
            request.get(5, TimeUnit.SECONDS);
            assertThat(thrown).isInstanceOf(ProxyTunnelException.class);
            return (ProxyTunnelException) thrown;
        }
    }

    private HttpProxy proxy() {
        return HttpProxy.at("127.0.0.1", server.getLocalPort());
    }

    @Test
    void sendsConnectWithHostAndPreemptiveBasicAndLeavesTheTunnelUnread() throws Exception {
        CompletableFuture<String> request = answer("HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\nTLS");
        try (Socket socket = connectedToServer()) {
            HttpConnectTunnel.open(socket, proxy().withCredentials("user", "pass word:ü"), "dps.example.net", 8883);

            assertThat(request.get(5, TimeUnit.SECONDS)).isEqualTo("CONNECT dps.example.net:8883 HTTP/1.1\r\n"
                    + "Host: dps.example.net:8883\r\n"
                    + "Proxy-Authorization: Basic dXNlcjpwYXNzIHdvcmQ6w7w=\r\n\r\n");
            assertThat(new String(socket.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("TLS");
        }
    }

    @Test
    void noCredentialsNoAuthorizationHeaderAndBareLineFeedsAccepted() throws Exception {
        CompletableFuture<String> request = answer("HTTP/1.0 200 OK\n\n");
        try (Socket socket = connectedToServer()) {
            HttpConnectTunnel.open(socket, proxy(), "::1", 443);
        }
        assertThat(request.get(5, TimeUnit.SECONDS)).startsWith("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n");
    }

    @Test
    void schemesOtherThanBasicAreNamedAsUnsupported() throws Exception {
        ProxyTunnelException failure = failureFor("HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: NTLM\r\nproxy-authenticate: Basic realm=\"corp\"\r\n\r\n", proxy());

        assertThat(failure.failure()).isEqualTo(ConnectFailure.PROXY_AUTHENTICATION);
        assertThat(failure.getMessage()).contains("requires credentials", "NTLM (not supported: only Basic), Basic");
    }

    @Test
    void aRefusedBasicAuthenticationAnsweredWith401IsTheSameRefusalAsA407() throws Exception {
        // tinyproxy 1.11 (Debian's) answers a wrong password on CONNECT with 401 and WWW-Authenticate.
        HttpProxy withCredentials = proxy().withCredentials("user", "wrong");
        ProxyTunnelException failure = failureFor("HTTP/1.0 401 Unauthorized\r\nServer: tinyproxy/1.11.1\r\n"
                + "WWW-Authenticate: Basic realm=\"Tinyproxy\"\r\nContent-Type: text/html\r\n\r\n", withCredentials);

        assertThat(failure.failure()).isEqualTo(ConnectFailure.PROXY_AUTHENTICATION);
        assertThat(failure.getMessage()).contains("as user 'user' refused the credentials for CONNECT "
                + "dps.example.net:8883 (401 Unauthorized; it asks for Basic)").doesNotContain("wrong");
        ProxyTunnelException as407 = failureFor("HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"Tinyproxy\"\r\n\r\n", withCredentials);
        assertThat(failure.getMessage().replace("401 Unauthorized", "407 Proxy Authentication Required"))
                .isEqualTo(as407.getMessage());
    }

    @Test
    void answerCutShortIsAClosedProxy() throws Exception {
        ProxyTunnelException failure = failureFor("HTTP/1.1 200 Connection est", proxy());

        assertThat(failure.failure()).isEqualTo(ConnectFailure.PROXY_CLOSED);
        assertThat(failure.getMessage()).contains("in the middle of its answer to CONNECT dps.example.net:8883");
    }

    @Test
    void endlessHeaderIsNotAProxy() throws Exception {
        ProxyTunnelException failure = failureFor("HTTP/1.1 200 OK\r\nX: " + "a".repeat(20_000), proxy());

        assertThat(failure.failure()).isEqualTo(ConnectFailure.PROXY_UNREACHABLE);
        assertThat(failure.getMessage()).contains("not an HTTP proxy");
    }

    @Test
    void reasonPhraseIsShortenedAndCleaned() throws Exception {
        ProxyTunnelException failure = failureFor("HTTP/1.1 502 Bad\u0007Gateway " + "x".repeat(200) + "\r\n\r\n",
                proxy());

        assertThat(failure.failure()).isEqualTo(ConnectFailure.PROXY_REFUSED);
        assertThat(failure.getMessage()).contains("(502 Bad?Gateway xxx").doesNotContain("x".repeat(100));
    }

    @Test
    void silentProxyTimesOutAsARefusalOfThatPort() throws Exception {
        // The server accepts (through its backlog) and never answers.
        try (Socket socket = connectedToServer()) {
            socket.setSoTimeout(200);
            assertThatThrownBy(() -> HttpConnectTunnel.open(socket, proxy(), "dps.example.net", 8883))
                    .isInstanceOfSatisfying(ProxyTunnelException.class, e -> {
                        assertThat(e.failure()).isEqualTo(ConnectFailure.PROXY_REFUSED);
                        assertThat(e.getMessage()).contains("did not answer CONNECT dps.example.net:8883");
                    });
        }
    }

    @Test
    void tlsSettingsBeforeTheTunnelIsOpenAreRefusedAndCloseWorksInAnyState() throws Exception {
        TunnelledSslSocket socket = (TunnelledSslSocket) new ProxyTunnelSocketFactory(proxy(),
                TlsSocketFactories.create(TrustAnchors.bundledRoots(), null)).createSocket();

        assertThat(socket.isConnected()).isFalse();
        assertThatThrownBy(socket::getSession).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("once the tunnel");
        socket.close();
        assertThat(socket.isClosed()).isTrue();
        assertThatThrownBy(() -> socket.connect(InetSocketAddress.createUnresolved("dps.example.net", 8883), 1000))
                .isInstanceOf(IOException.class);
        assertThat(socket).isInstanceOf(SSLSocket.class);
    }

    @Test
    void proxyDescriptionsNeverShowThePassword() {
        HttpProxy proxy = HttpProxy.at("proxy.example", 3128).withCredentials("bob", "hunter2-secret");

        assertThat(proxy.toString()).isEqualTo("HTTP proxy proxy.example:3128 as user 'bob'")
                .doesNotContain("hunter2-secret");
        assertThat(proxy).isEqualTo(HttpProxy.at("proxy.example", 3128).withCredentials("bob", "hunter2-secret"))
                .isNotEqualTo(HttpProxy.at("proxy.example", 3128).withCredentials("bob", "other"));
    }
}
