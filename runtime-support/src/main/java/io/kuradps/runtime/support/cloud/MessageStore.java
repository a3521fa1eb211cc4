package io.kuradps.runtime.support.cloud;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.eclipse.kura.KuraStoreException;
import org.eclipse.kura.data.DataTransportToken;

/**
 * The DataService's store, in memory. Kura keeps it in an H2 database whose default URL is in memory too
 * ({@code jdbc:h2:mem:kuradb}), so by default neither survives a restart. A message is unpublished until handed to
 * the transport, then in flight (QoS &gt; 0) until confirmed; QoS 0 messages are done once handed over. Unpublished
 * messages go out lowest priority number first, then oldest first.
 */
final class MessageStore {

    private static final Comparator<StoredMessage> SENDING_ORDER = Comparator.comparingInt(StoredMessage::priority)
            .thenComparingInt(StoredMessage::id);

    private final TreeSet<StoredMessage> unpublished = new TreeSet<>(SENDING_ORDER);
    private final Map<DataTransportToken, StoredMessage> inFlight = new LinkedHashMap<>();
    private final List<StoredMessage> dropped = new ArrayList<>();
    private int capacity;
    private int lastId;

    MessageStore(int capacity) {
        this.capacity = capacity;
    }

    synchronized void capacity(int messages) {
        this.capacity = messages;
    }

    synchronized StoredMessage store(String topic, byte[] payload, int qos, boolean retain, int priority)
            throws KuraStoreException {
        if (this.unpublished.size() + this.inFlight.size() >= this.capacity) {
            throw new KuraStoreException("store capacity of " + this.capacity + " messages reached");
        }
        StoredMessage message = new StoredMessage(++this.lastId, topic, payload, qos, retain, priority);
        this.unpublished.add(message);
        return message;
    }

    synchronized Optional<StoredMessage> next() {
        return this.unpublished.isEmpty() ? Optional.<StoredMessage>empty() : Optional.of(this.unpublished.first());
    }

    /** Handed to the transport; with a token it waits for confirmation, without one (QoS 0) it is done. */
    synchronized void published(StoredMessage message, DataTransportToken token) {
        this.unpublished.remove(message);
        if (token != null) {
            this.inFlight.put(token, message);
        }
    }

    /** The confirmed message, if the token is one of the in-flight ones. */
    synchronized Optional<StoredMessage> confirmed(DataTransportToken token) {
        return Optional.ofNullable(this.inFlight.remove(token));
    }

    synchronized int inFlightCount() {
        return this.inFlight.size();
    }

    /** A new session: the in-flight messages are sent again (Kura's default, republish-on-new-session). */
    synchronized void unpublishInFlight() {
        this.unpublished.addAll(this.inFlight.values());
        this.inFlight.clear();
    }

    /** A new session, republishing off: the in-flight messages are given up. */
    synchronized void dropInFlight() {
        this.dropped.addAll(this.inFlight.values());
        this.inFlight.clear();
    }

    synchronized List<Integer> unpublishedIds(String topicRegex) {
        return ids(this.unpublished, topicRegex);
    }

    synchronized List<Integer> inFlightIds(String topicRegex) {
        return ids(this.inFlight.values(), topicRegex);
    }

    synchronized List<Integer> droppedIds(String topicRegex) {
        return ids(this.dropped, topicRegex);
    }

    private static List<Integer> ids(Iterable<StoredMessage> messages, String topicRegex) {
        Pattern topics = Pattern.compile(topicRegex);
        List<Integer> ids = new ArrayList<>();
        for (StoredMessage message : messages) {
            if (topics.matcher(message.topic()).matches()) {
                ids.add(message.id());
            }
        }
        return ids;
    }
}
