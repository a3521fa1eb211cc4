package io.kuradps.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The device registries of the simulated IoT hubs. DPS writes a device into its hub's registry when it assigns
 * it, as real DPS creates or updates the hub's device identity; the hub endpoint knows only these devices. Tests
 * delete or disable a device to make the hub refuse it (a device deleted, disabled or moved by an operator), so
 * that a client has to provision again. Thread-safe. Hub host names are case-insensitive, device ids are not.
 */
public final class HubRegistry {

    private final Map<String, HubDevice> devices = new ConcurrentHashMap<>();
    private final Set<String> hubs = ConcurrentHashMap.newKeySet();
    private final Map<String, String> latestHubs = new ConcurrentHashMap<>();
    private final List<Consumer<HubDevice>> revocationListeners = new CopyOnWriteArrayList<>();

    HubRegistry() {
    }

    /**
     * DPS assigned the device: create its identity in the hub, or update the credentials of the existing one. A
     * disabled device stays disabled; a deleted one is created again.
     */
    void assigned(String hub, String deviceId, String registrationId, Enrollment enrollment,
            boolean certificateIssued) {
        hubs.add(normalized(hub));
        latestHubs.put(deviceId, hub);
        devices.compute(key(hub, deviceId), (key, existing) -> new HubDevice(hub, deviceId, registrationId,
                enrollment.kind(), enrollment.id(), enrollment.attestation(), existing == null || existing.enabled(),
                certificateIssued || existing != null && existing.certificateIssued()));
    }

    /**
     * A device DPS assigned before this simulator started: IoT Hub keeps its registry when DPS or a gateway
     * restarts, so a simulator started afresh beside a gateway that kept its assignment (the demo runtime's
     * {@code --storage}) is told what the hub would still know, with the enrollment's credentials (an issued
     * certificate too, when the enrollment issues them).
     */
    public void register(String hub, String deviceId, String registrationId, Enrollment enrollment) {
        assigned(hub, deviceId, registrationId, enrollment, enrollment.issuesCertificates());
    }

    /** The device's identity in that hub, if the hub has one. */
    public Optional<HubDevice> device(String hub, String deviceId) {
        return Optional.ofNullable(devices.get(key(hub, deviceId)));
    }

    /** Every device of every hub. */
    public List<HubDevice> devices() {
        return List.copyOf(devices.values());
    }

    /**
     * Deletes the device from the hub: its open connection is closed and CONNECT is refused until DPS assigns it
     * to this hub again. To move a device, change its enrollment's hubs and delete it from the old hub.
     *
     * @return false when the hub had no such device
     */
    public boolean delete(String hub, String deviceId) {
        HubDevice removed = devices.remove(key(hub, deviceId));
        if (removed != null) {
            revocationListeners.forEach(listener -> listener.accept(removed));
        }
        return removed != null;
    }

    /**
     * Disables the device in the hub: its open connection is closed and CONNECT is refused, also after it
     * provisions again, until {@link #enable(String, String)}.
     *
     * @return false when the hub had no such device
     */
    public boolean disable(String hub, String deviceId) {
        HubDevice disabled = devices.computeIfPresent(key(hub, deviceId), (key, device) -> device.withEnabled(false));
        if (disabled != null) {
            revocationListeners.forEach(listener -> listener.accept(disabled));
        }
        return disabled != null;
    }

    /** @return false when the hub had no such device */
    public boolean enable(String hub, String deviceId) {
        return devices.computeIfPresent(key(hub, deviceId), (key, device) -> device.withEnabled(true)) != null;
    }

    /** The hub DPS assigned (or {@link #register} registered) this device id to last, null when none. */
    String latestHub(String deviceId) {
        return latestHubs.get(deviceId);
    }

    /** True when DPS has assigned a device to this hub, even one deleted since. */
    boolean hasAssignedTo(String hub) {
        return hubs.contains(normalized(hub));
    }

    /** Called with a device's identity when it is deleted or disabled, to close its connection. */
    void onRevoked(Consumer<HubDevice> listener) {
        revocationListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    static String normalized(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }

    private static String key(String hub, String deviceId) {
        return normalized(Objects.requireNonNull(hub, "hub")) + "/" + Objects.requireNonNull(deviceId, "deviceId");
    }

    @Override
    public String toString() {
        return "HubRegistry[devices=" + devices.size() + ", hubs=" + hubs + "]";
    }
}
