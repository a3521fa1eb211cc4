package io.kuradps.itest;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A server that speaks only TLS 1.1, run in a child JVM: the JDK disables TLS 1.1 in {@code java.security}, and
 * that setting is read once per JVM, so only a JVM started with another policy file can offer it. {@link #start}
 * launches one; its {@code main} accepts one connection, tries the handshake, and prints the outcome.
 */
final class Tls11OnlyServer implements AutoCloseable {

    /** JDK 17's jdk.tls.disabledAlgorithms without TLSv1 and TLSv1.1. */
    private static final String POLICY = "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, "
            + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n";

    private final Process process;
    private final java.io.BufferedReader output;
    final int port;

    private Tls11OnlyServer(Process process) throws IOException {
        this.process = process;
        this.output = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String first = output.readLine();
        if (first == null || !first.startsWith("port ")) {
            throw new IOException("TLS 1.1 server did not start: " + first);
        }
        port = Integer.parseInt(first.substring(5));
    }

    /** Starts the child JVM with the PKCS#12 key store (password {@code password}) as its server key. */
    static Tls11OnlyServer start(Path directory, byte[] pkcs12, char[] password) throws IOException {
        Path policy = directory.resolve("tls11.security");
        Files.write(policy, POLICY.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path store = directory.resolve("tls11-server.p12");
        Files.write(store, pkcs12);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Djava.security.properties=" + policy,
                "-cp", System.getProperty("java.class.path"), Tls11OnlyServer.class.getName(), store.toString(),
                new String(password)));
        builder.redirectErrorStream(true);
        return new Tls11OnlyServer(builder.start());
    }

    /** The server's report on the handshake it saw ("handshake failed: ..."), or null when none came in time. */
    String outcome() throws IOException {
        return output.readLine();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            keys.load(in, args[1].toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, args[1].toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] { "TLSv1.1" });
            System.out.println("port " + server.getLocalPort());
            System.out.flush();
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.startHandshake();
                System.out.println("handshake completed with " + socket.getSession().getProtocol());
            } catch (IOException e) {
                System.out.println("handshake failed: " + e);
            }
            System.out.flush();
        }
    }
}
