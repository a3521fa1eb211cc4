package org.eclipse.kura.data;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.KuraNotConnectedException;
import org.eclipse.kura.KuraTimeoutException;
import org.eclipse.kura.KuraTooManyInflightMessagesException;
import org.eclipse.kura.data.transport.listener.DataTransportListener;
import org.osgi.annotation.versioning.ProviderType;

/** Every method of Kura 5.0's DataTransportService: one MQTT client session, without a store. */
@ProviderType
public interface DataTransportService {

    void connect() throws KuraConnectException;

    boolean isConnected();

    String getBrokerUrl();

    String getAccountName();

    String getUsername();

    String getClientId();

    /** @param quiesceTimeout milliseconds to let in-flight work finish */
    void disconnect(long quiesceTimeout);

    void subscribe(String topic, int qos) throws KuraTimeoutException, KuraException, KuraNotConnectedException;

    void unsubscribe(String topic) throws KuraTimeoutException, KuraException, KuraNotConnectedException;

    /** @return a token to match with a later confirmation, or null for QoS 0 */
    DataTransportToken publish(String topic, byte[] payload, int qos, boolean retain)
            throws KuraTooManyInflightMessagesException, KuraException, KuraNotConnectedException;

    void addDataTransportListener(DataTransportListener listener);

    void removeDataTransportListener(DataTransportListener listener);
}
