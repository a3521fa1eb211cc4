package io.kuradps.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay in front of the simulator. It counts the bytes each way (TLS records and TCP payload, not IP and TCP
 * headers), records when each chunk passed, and can add a round-trip time: every byte is held for half of it in
 * each direction, so the TLS handshake and every MQTT exchange pay it as on a real network. The TCP handshake is
 * the kernel's, over at once on loopback; its round trip is added before the client's first bytes are passed on,
 * so that the server answers when it would have (the client's connect() returns early and its TLS step absorbs that
 * round trip). Both clients under test connect through it, so both pay for the same extra hop.
 */
final class DelayingRelay implements AutoCloseable {

    /** Bytes and connections since the last {@link #take()}. */
    record Traffic(long connections, long bytesUp, long bytesDown) {
        long total() {
            return bytesUp + bytesDown;
        }
    }

    /**
     * One read of the relay: which connection, which way, how many bytes, when it was read from one side and when
     * written to the other ({@link System#nanoTime()}).
     */
    record Chunk(int connection, boolean up, int bytes, long readNanos, long writtenNanos) {
    }

    /** A connection the relay accepted: when, and its number in {@link Chunk#connection()}. */
    record Accepted(int connection, long acceptedNanos) {
    }

    private static final byte[] END = new byte[0];

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final AtomicInteger connectionCounter = new AtomicInteger();
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Accepted> accepted = new ArrayList<>();
    private final Object idleLock = new Object();
    private int openPumps;
    private volatile long oneWayNanos;
    private volatile boolean open = true;

    DelayingRelay(int listenPort, int targetPort) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "bench-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The round-trip time added to connections accepted from now on (zero: none). */
    void roundTrip(Duration roundTrip) {
        oneWayNanos = roundTrip.toNanos() / 2;
    }

    /** Returns the traffic counted so far and starts counting afresh. */
    Traffic take() {
        return new Traffic(connections.getAndSet(0), up.getAndSet(0), down.getAndSet(0));
    }

    /** Returns the chunks and accepted connections recorded so far and starts recording afresh. */
    synchronized List<Chunk> takeChunks() {
        List<Chunk> taken = List.copyOf(chunks);
        chunks.clear();
        return taken;
    }

    synchronized List<Accepted> takeAccepted() {
        List<Accepted> taken = List.copyOf(accepted);
        accepted.clear();
        return taken;
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
                long acceptedAt = System.nanoTime();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                connections.incrementAndGet();
                int number = connectionCounter.incrementAndGet();
                synchronized (this) {
                    accepted.add(new Accepted(number, acceptedAt));
                }
                long oneWay = oneWayNanos;
                // The TCP handshake's round trip, paid before the client's first bytes reach the server.
                pump(number, client, upstream, true, up, oneWay, acceptedAt + 2 * oneWay);
                pump(number, upstream, client, false, down, oneWay, 0);
            } catch (IOException e) {
                if (open) {
                    System.err.println("relay: " + e.getMessage());
                }
            }
        }
    }

    /** Relays one direction: a reader, and with a delay a writer that passes each chunk on when it is due. */
    private void pump(int number, Socket from, Socket to, boolean upward, AtomicLong counter, long delayNanos,
            long notBeforeNanos) {
        synchronized (idleLock) {
            openPumps++;
        }
        BlockingQueue<Object[]> due = new LinkedBlockingQueue<>();
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Object[] item = due.take();
                    byte[] bytes = (byte[]) item[0];
                    long readAt = (Long) item[1];
                    long at = Math.max(readAt, notBeforeNanos) + delayNanos;
                    for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
                        LockSupport.parkNanos(left);
                    }
                    if (bytes == END) {
                        break;
                    }
                    out.write(bytes);
                    out.flush();
                    record(new Chunk(number, upward, bytes.length, readAt, System.nanoTime()));
                }
            } catch (IOException | InterruptedException e) {
                // the other side closed; closing both ends below is all there is to do
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (idleLock) {
                    openPumps--;
                    idleLock.notifyAll();
                }
            }
        }, "bench-relay-" + (upward ? "up" : "down") + "-write");
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    counter.addAndGet(n);
                    due.add(new Object[] {java.util.Arrays.copyOf(buffer, n), System.nanoTime()});
                }
            } catch (IOException e) {
                // closed from the other side
            } finally {
                due.add(new Object[] {END, System.nanoTime()});
            }
        }, "bench-relay-" + (upward ? "up" : "down") + "-read");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    private synchronized void record(Chunk chunk) {
        chunks.add(chunk);
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
