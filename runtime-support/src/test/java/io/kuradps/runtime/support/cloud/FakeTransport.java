package io.kuradps.runtime.support.cloud;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.kura.KuraNotConnectedException;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.data.DataTransportToken;
import org.eclipse.kura.data.transport.listener.DataTransportListener;

/** A DataTransportService without a network: it records the topics handed to it, in order. */
final class FakeTransport implements DataTransportService {

    final List<String> published = new CopyOnWriteArrayList<>();
    final List<DataTransportListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger messageIds = new AtomicInteger();
    private volatile boolean connected;

    @Override
    public void connect() {
        this.connected = true;
        this.listeners.forEach(listener -> listener.onConnectionEstablished(true));
    }

    @Override
    public boolean isConnected() {
        return this.connected;
    }

    @Override
    public void disconnect(long quiesceTimeout) {
        this.connected = false;
    }

    @Override
    public synchronized DataTransportToken publish(String topic, byte[] payload, int qos, boolean retain)
            throws KuraNotConnectedException {
        if (!this.connected) {
            throw new KuraNotConnectedException("not connected");
        }
        this.published.add(topic);
        notifyAll();
        return qos > 0 ? new DataTransportToken(this.messageIds.incrementAndGet(), "session") : null;
    }

    /** @return whether that many topics were handed over within the time */
    synchronized boolean awaitPublished(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (this.published.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public void addDataTransportListener(DataTransportListener listener) {
        this.listeners.add(listener);
    }

    @Override
    public void removeDataTransportListener(DataTransportListener listener) {
        this.listeners.remove(listener);
    }

    @Override
    public String getBrokerUrl() {
        return "";
    }

    @Override
    public String getAccountName() {
        return "";
    }

    @Override
    public String getUsername() {
        return "";
    }

    @Override
    public String getClientId() {
        return "";
    }

    @Override
    public void subscribe(String topic, int qos) {
        throw new UnsupportedOperationException("subscribe");
    }

    @Override
    public void unsubscribe(String topic) {
        throw new UnsupportedOperationException("unsubscribe");
    }
}
