package io.kuradps.runtime.support.cloud;

/** One message the DataService accepted: its id, where it goes, and in what order (priority, then id). */
final class StoredMessage {

    private final int id;
    private final String topic;
    private final byte[] payload;
    private final int qos;
    private final boolean retain;
    private final int priority;

    StoredMessage(int id, String topic, byte[] payload, int qos, boolean retain, int priority) {
        this.id = id;
        this.topic = topic;
        this.payload = payload.clone();
        this.qos = qos;
        this.retain = retain;
        this.priority = priority;
    }

    int id() {
        return this.id;
    }

    String topic() {
        return this.topic;
    }

    byte[] payload() {
        return this.payload.clone();
    }

    int qos() {
        return this.qos;
    }

    boolean retain() {
        return this.retain;
    }

    int priority() {
        return this.priority;
    }

    /** Id and topic: payloads may be anything. */
    @Override
    public String toString() {
        return "message " + this.id + " on " + this.topic;
    }
}
