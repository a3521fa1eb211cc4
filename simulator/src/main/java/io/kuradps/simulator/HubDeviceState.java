package io.kuradps.simulator;

/**
 * What a simulated hub keeps for one device identity besides its registry entry: its twin, its cloud-to-device
 * queue, and the cloud-to-device subscription of a persistent session (CleanSession 0), which IoT Hub keeps across
 * connections. Deleting the device discards it.
 */
final class HubDeviceState {

    private final DeviceTwinState twin = new DeviceTwinState();
    private final CloudToDeviceQueue queue;
    private Integer persistentCloudToDeviceQos;

    HubDeviceState(HubDevice device) {
        this.queue = new CloudToDeviceQueue(device.hub(), device.deviceId());
    }

    DeviceTwinState twin() {
        return twin;
    }

    CloudToDeviceQueue queue() {
        return queue;
    }

    /** The granted QoS of the devicebound subscription a persistent session holds, null when none. */
    synchronized Integer persistentCloudToDeviceQos() {
        return persistentCloudToDeviceQos;
    }

    synchronized void persistentCloudToDeviceQos(Integer qos) {
        this.persistentCloudToDeviceQos = qos;
    }
}
