package org.eclipse.kura.data;

import java.util.List;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.KuraNotConnectedException;
import org.eclipse.kura.KuraStoreException;
import org.eclipse.kura.KuraTimeoutException;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every method of Kura 5.0's DataService: the store-and-forward layer above one DataTransportService. Kura keeps
 * the messages publish accepts in a store and sends them, by priority, whenever the transport is connected.
 */
@ProviderType
public interface DataService {

    void connect() throws KuraConnectException;

    boolean isConnected();

    boolean isAutoConnectEnabled();

    /** Seconds between connection attempts while auto-connect is on. */
    int getRetryInterval();

    /** @param quiesceTimeout milliseconds to let in-flight work finish */
    void disconnect(long quiesceTimeout);

    void subscribe(String topic, int qos) throws KuraTimeoutException, KuraException, KuraNotConnectedException;

    void unsubscribe(String topic) throws KuraTimeoutException, KuraException, KuraNotConnectedException;

    /** Stores the message for sending and returns its id; the lower the priority number, the sooner it goes. */
    int publish(String topic, byte[] payload, int qos, boolean retain, int priority) throws KuraStoreException;

    List<Integer> getUnpublishedMessageIds(String topicRegex) throws KuraStoreException;

    List<Integer> getInFlightMessageIds(String topicRegex) throws KuraStoreException;

    List<Integer> getDroppedInFlightMessageIds(String topicRegex) throws KuraStoreException;

    void addDataServiceListener(DataServiceListener listener);

    void removeDataServiceListener(DataServiceListener listener);
}
