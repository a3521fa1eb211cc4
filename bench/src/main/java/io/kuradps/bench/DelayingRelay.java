package io.kuradps.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of the simulator that counts the bytes each way, TLS records and TCP payload included
 * (IP and TCP headers not). Both clients under test connect through it, so both pay for the same extra hop.
 */
final class CountingProxy implements AutoCloseable {

    /** Bytes and connections since the last {@link #take()}. */
    record Traffic(long connections, long bytesUp, long bytesDown) {
        long total() {
            return bytesUp + bytesDown;
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final Object idleLock = new Object();
    private int openPumps;
    private volatile boolean open = true;

    CountingProxy(int listenPort, int targetPort) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "bench-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Returns the traffic counted so far and starts counting afresh. */
    Traffic take() {
        return new Traffic(connections.getAndSet(0), up.getAndSet(0), down.getAndSet(0));
    }

    /** Waits, at most the timeout, until every relayed connection has closed; true if they all did. */
    boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (idleLock) {
            while (openPumps > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                idleLock.wait(left);
            }
            return true;
        }
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                connections.incrementAndGet();
                pump(client, upstream, up, "up");
                pump(upstream, client, down, "down");
            } catch (IOException e) {
                if (open) {
                    System.err.println("proxy: " + e.getMessage());
                }
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter, String direction) {
        synchronized (idleLock) {
            openPumps++;
        }
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    counter.addAndGet(n);
                }
            } catch (IOException e) {
                // the other side closed; closing both ends below is all there is to do
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (idleLock) {
                    openPumps--;
                    idleLock.notifyAll();
                }
            }
        }, "bench-proxy-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}
