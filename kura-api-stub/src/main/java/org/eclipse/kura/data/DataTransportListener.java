package org.eclipse.kura.data;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Kura 5.0 still declares this older home of the listener; use
 * {@link org.eclipse.kura.data.transport.listener.DataTransportListener}.
 */
@Deprecated
@ConsumerType
public interface DataTransportListener {

    void onConnectionEstablished(boolean newSession);

    void onDisconnecting();

    void onDisconnected();

    void onConfigurationUpdating(boolean wasConnected);

    void onConfigurationUpdated(boolean wasConnected);

    void onConnectionLost(Throwable cause);

    void onMessageArrived(String topic, byte[] payload, int qos, boolean retained);

    void onMessageConfirmed(DataTransportToken token);
}
