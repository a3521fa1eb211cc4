package org.eclipse.kura.data.transport.listener;

import org.eclipse.kura.data.DataTransportToken;
import org.osgi.annotation.versioning.ConsumerType;

/** What a DataTransportService tells its listeners (in Kura, the DataService), as Kura 5.0 declares it. */
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
