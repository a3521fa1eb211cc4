package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kuradps.provisioning.protocol.ConnectFailure;

/**
 * Asks an HTTP proxy for a tunnel (RFC 9110 section 9.3.6): writes CONNECT with preemptive Basic credentials and
 * reads the status line and headers, nothing more. The JDK's only CONNECT client is inside HttpURLConnection
 * (and behind {@code new Socket(Proxy)}, which takes credentials only from the JVM-wide Authenticator and hides
 * the proxy's status), so these few lines are ours. A 407 is not answered on the same connection: credentials
 * are sent up front, and a refusal is reported for the user to fix. Some proxies answer a refused Basic
 * authentication with 401 and WWW-Authenticate instead (tinyproxy 1.11, Debian's, until its fix for issue 532 of
 * 2024); a CONNECT has no origin server that could have sent it, so it is the proxy's refusal too.
 */
final class HttpConnectTunnel {

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: (.*))?");
    /** Bounds what is read from something that may not be a proxy at all. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int MAX_REASON_CHARS = 80;
    private static final String PROXY_AUTHENTICATE = "Proxy-Authenticate:";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate:";
    private static final int PROXY_AUTHENTICATION_REQUIRED = 407;
    private static final int UNAUTHORIZED = 401;

    private final HttpProxy proxy;
    private final String target;
    private final InputStream in;
    private int budget = MAX_HEAD_BYTES;

    private HttpConnectTunnel(HttpProxy proxy, String target, InputStream in) {
        this.proxy = proxy;
        this.target = target;
        this.in = in;
    }

    /**
     * Opens the tunnel on a connection to the proxy, waiting for the answer as long as the socket's timeout
     * allows. On return the next byte read is the target's; the caller closes the connection when this throws.
     */
    static void open(Socket toProxy, HttpProxy proxy, String targetHost, int targetPort) throws IOException {
        String target = authority(targetHost, targetPort);
        StringBuilder request = new StringBuilder(256)
                .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        if (proxy.hasCredentials()) {
            request.append("Proxy-Authorization: Basic ").append(basicCredentials(proxy)).append("\r\n");
        }
        request.append("\r\n");
        try {
            OutputStream out = toProxy.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            new HttpConnectTunnel(proxy, target, toProxy.getInputStream()).readAnswer();
        } catch (SocketTimeoutException e) {
            // A proxy that cannot reach the target (a firewall dropping port 8883 behind it) often answers only
            // after its own connect timeout, if at all.
            throw new ProxyTunnelException(ConnectFailure.PROXY_REFUSED, proxy + " did not answer CONNECT " + target
                    + " within " + toProxy.getSoTimeout() / 1000 + " s (it may be failing to reach that port)", e);
        } catch (ProxyTunnelException e) {
            throw e;
        } catch (IOException e) {
            throw new ProxyTunnelException(ConnectFailure.PROXY_CLOSED,
                    proxy + " dropped the connection during CONNECT " + target + ": " + e.getMessage(), e);
        }
    }

    private void readAnswer() throws IOException {
        String statusLine = readLine();
        Matcher status = STATUS_LINE.matcher(statusLine);
        if (!status.matches()) {
            throw new ProxyTunnelException(ConnectFailure.PROXY_UNREACHABLE,
                    proxy + " did not answer CONNECT " + target + " like an HTTP proxy");
        }
        int code = Integer.parseInt(status.group(1));
        List<String> challenges = new ArrayList<>();
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            for (String name : new String[] { PROXY_AUTHENTICATE, WWW_AUTHENTICATE }) {
                if (header.regionMatches(true, 0, name, 0, name.length())) {
                    challenges.add(scheme(header.substring(name.length())));
                }
            }
        }
        if (code / 100 == 2) {
            return;
        }
        String answer = code + (status.group(2) == null ? "" : " " + printable(status.group(2)));
        if (code == PROXY_AUTHENTICATION_REQUIRED || code == UNAUTHORIZED) {
            String asked = challenges.isEmpty() ? "" : "; it asks for " + String.join(", ", challenges);
            throw new ProxyTunnelException(ConnectFailure.PROXY_AUTHENTICATION, proxy
                    + (proxy.hasCredentials() ? " refused the credentials" : " requires credentials")
                    + " for CONNECT " + target + " (" + answer + asked + ")");
        }
        throw new ProxyTunnelException(ConnectFailure.PROXY_REFUSED,
                proxy + " refused CONNECT " + target + " (" + answer + ")");
    }

    /**
     * One line of the answer without its CRLF (a bare LF is accepted), read byte by byte so that nothing after
     * the header is consumed.
     */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new ProxyTunnelException(ConnectFailure.PROXY_CLOSED, proxy + " closed the connection "
                        + (budget == MAX_HEAD_BYTES ? "without answering" : "in the middle of its answer to")
                        + " CONNECT " + target);
            }
            if (--budget < 0) {
                throw new ProxyTunnelException(ConnectFailure.PROXY_UNREACHABLE, proxy + " answered CONNECT "
                        + target + " with more than " + MAX_HEAD_BYTES + " bytes of header: not an HTTP proxy");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    /** host:port as CONNECT and Host want it: an IPv6 literal in brackets. */
    static String authority(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** RFC 7617: base64 of user-id ":" password, UTF-8. */
    private static String basicCredentials(HttpProxy proxy) {
        String pair = proxy.username() + ":" + proxy.password();
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The authentication scheme of a challenge ({@code Basic realm="x"} gives Basic). */
    private static String scheme(String challenge) {
        String text = challenge.trim();
        int space = text.indexOf(' ');
        String name = space < 0 ? text : text.substring(0, space);
        return printable(name).toLowerCase(Locale.ROOT).equals("basic") ? "Basic" : printable(name)
                + " (not supported: only Basic)";
    }

    /** A proxy's text, shortened and limited to printable ASCII before it goes into a message. */
    private static String printable(String text) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < text.length() && clean.length() < MAX_REASON_CHARS; i++) {
            char c = text.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return clean.toString();
    }
}
