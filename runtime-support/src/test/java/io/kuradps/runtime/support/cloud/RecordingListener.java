package io.kuradps.runtime.support.cloud;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.data.listener.DataServiceListener;

/** Every DataService callback, in order, with a bounded wait for one. */
final class RecordingListener implements DataServiceListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onConnectionEstablished() {
        record("established");
    }

    @Override
    public void onDisconnecting() {
        record("disconnecting");
    }

    @Override
    public void onDisconnected() {
        record("disconnected");
    }

    @Override
    public void onConnectionLost(Throwable cause) {
        record("lost");
    }

    @Override
    public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        record("arrived " + topic);
    }

    @Override
    public void onMessagePublished(int messageId, String topic) {
        record("published " + messageId);
    }

    @Override
    public void onMessageConfirmed(int messageId, String topic) {
        record("confirmed " + messageId);
    }

    private synchronized void record(String event) {
        this.events.add(event);
        notifyAll();
    }

    /** @return whether the event happened within the time */
    synchronized boolean await(String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!this.events.contains(event)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
