package org.eclipse.kura.data.listener;

import org.osgi.annotation.versioning.ConsumerType;

/** What a DataService tells its listeners, as Kura 5.0 declares it. */
@ConsumerType
public interface DataServiceListener {

    void onConnectionEstablished();

    void onDisconnecting();

    void onDisconnected();

    void onConnectionLost(Throwable cause);

    void onMessageArrived(String topic, byte[] payload, int qos, boolean retained);

    void onMessagePublished(int messageId, String topic);

    void onMessageConfirmed(int messageId, String topic);
}
