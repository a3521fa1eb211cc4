package io.kuradps.runtime.support.cloud;

import org.eclipse.kura.data.listener.DataServiceListener;

/**
 * A listener service of Kura's deprecated type {@code org.eclipse.kura.data.DataServiceListener}, told through the
 * current interface; equal to another adapter of the same service, so that it can be removed.
 */
@SuppressWarnings("deprecation")
final class DeprecatedListener implements DataServiceListener {

    private final org.eclipse.kura.data.DataServiceListener service;

    DeprecatedListener(org.eclipse.kura.data.DataServiceListener service) {
        this.service = service;
    }

    @Override
    public void onConnectionEstablished() {
        this.service.onConnectionEstablished();
    }

    @Override
    public void onDisconnecting() {
        this.service.onDisconnecting();
    }

    @Override
    public void onDisconnected() {
        this.service.onDisconnected();
    }

    @Override
    public void onConnectionLost(Throwable cause) {
        this.service.onConnectionLost(cause);
    }

    @Override
    public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        this.service.onMessageArrived(topic, payload, qos, retained);
    }

    @Override
    public void onMessagePublished(int messageId, String topic) {
        this.service.onMessagePublished(messageId, topic);
    }

    @Override
    public void onMessageConfirmed(int messageId, String topic) {
        this.service.onMessageConfirmed(messageId, topic);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeprecatedListener && ((DeprecatedListener) other).service == this.service;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this.service);
    }
}
