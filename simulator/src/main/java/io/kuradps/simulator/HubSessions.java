package io.kuradps.simulator;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open sessions of the simulated hubs, one per device as in IoT Hub: a new connection for the same device
 * ends the one before. Ending a session notes why on its channel, for the counters.
 */
final class HubSessions {

    /** Why the hub ended a session. */
    record End(HubCounters.EventKind kind, String detail) {
    }

    static final AttributeKey<End> END = AttributeKey.valueOf("kura-dps-hub-session-end");

    private final Map<String, Channel> open = new ConcurrentHashMap<>();

    /** Makes the channel the device's session and ends the one it had. */
    void open(HubDevice device, Channel channel) {
        Channel previous = open.put(key(device), channel);
        if (previous != null && previous != channel) {
            end(previous, HubCounters.EventKind.REPLACED, "the device connected again");
        }
    }

    void closed(HubDevice device, Channel channel) {
        open.remove(key(device), channel);
    }

    /** Ends the device's session, if it has one. */
    void end(HubDevice device, HubCounters.EventKind kind, String detail) {
        Channel channel = open.get(key(device));
        if (channel != null) {
            end(channel, kind, detail);
        }
    }

    /** The device's open session, if it has one. */
    Optional<HubMqttHandler> handler(HubDevice device) {
        Channel channel = open.get(key(device));
        return channel == null || !channel.isActive() ? Optional.empty()
                : Optional.ofNullable(channel.pipeline().get(HubMqttHandler.class));
    }

    static void end(Channel channel, HubCounters.EventKind kind, String detail) {
        channel.attr(END).setIfAbsent(new End(kind, detail));
        channel.close();
    }

    /** A device identity's key: its hub (case-insensitive) and device id. */
    static String key(HubDevice device) {
        return HubRegistry.normalized(device.hub()) + "/" + device.deviceId();
    }
}
