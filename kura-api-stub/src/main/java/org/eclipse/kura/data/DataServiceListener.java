package org.eclipse.kura.data;

import org.osgi.annotation.versioning.ConsumerType;

/** Kura 5.0 still declares this older home of the listener; use {@link org.eclipse.kura.data.listener.DataServiceListener}. */
@Deprecated
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
