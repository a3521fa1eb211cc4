package io.kuradps.provisioning.iothub;

import java.util.Objects;
import java.util.Optional;

/**
 * What a topic the hub published on says, before its body is read. The subtypes are final and nested; dispatch with
 * {@code instanceof}. The private constructor keeps the set closed. Values: equal when every part is.
 */
public abstract class ReceivedTopic {

    private ReceivedTopic() {
    }

    /** {@code $iothub/twin/res/{status}/?$rid={rid}[&$version={v}]}: the answer to a twin GET or reported patch. */
    public static final class TwinResponse extends ReceivedTopic {
        private final int status;
        private final String rid;
        private final Long version;

        TwinResponse(int status, String rid, Long version) {
            this.status = status;
            this.rid = rid;
            this.version = version;
        }

        public int status() {
            return status;
        }

        /** The decoded {@code $rid} of the request this answers. */
        public String rid() {
            return rid;
        }

        /** The reported section's version after an accepted patch (204); absent on other answers. */
        public Optional<Long> version() {
            return Optional.ofNullable(version);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof TwinResponse)) {
                return false;
            }
            TwinResponse that = (TwinResponse) other;
            return status == that.status && rid.equals(that.rid) && Objects.equals(version, that.version);
        }

        @Override
        public int hashCode() {
            return Objects.hash(status, rid, version);
        }

        @Override
        public String toString() {
            return "TwinResponse[status=" + status + ", rid=" + rid + ", version=" + version + "]";
        }
    }

    /** {@code $iothub/twin/PATCH/properties/desired/?$version={v}}: the desired properties changed. */
    public static final class DesiredUpdate extends ReceivedTopic {
        private final long version;

        DesiredUpdate(long version) {
            this.version = version;
        }

        /** The desired section's version after this patch. */
        public long version() {
            return version;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof DesiredUpdate && ((DesiredUpdate) other).version == version;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(version);
        }

        @Override
        public String toString() {
            return "DesiredUpdate[version=" + version + "]";
        }
    }

    /** {@code $iothub/methods/POST/{name}/?$rid={rid}}: a direct method call to answer under the same rid. */
    public static final class MethodCall extends ReceivedTopic {
        private final String name;
        private final String rid;

        MethodCall(String name, String rid) {
            this.name = name;
            this.rid = rid;
        }

        /** The method name exactly as in the topic. */
        public String name() {
            return name;
        }

        public String rid() {
            return rid;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof MethodCall && ((MethodCall) other).name.equals(name)
                    && ((MethodCall) other).rid.equals(rid);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, rid);
        }

        @Override
        public String toString() {
            return "MethodCall[name=" + name + ", rid=" + rid + "]";
        }
    }

    /** {@code devices/{deviceId}/messages/devicebound/{property bag}}: a cloud-to-device message. */
    public static final class CloudToDevice extends ReceivedTopic {
        private final String deviceId;
        private final PropertyBag properties;

        CloudToDevice(String deviceId, PropertyBag properties) {
            this.deviceId = deviceId;
            this.properties = properties;
        }

        /** The decoded device id the topic names. */
        public String deviceId() {
            return deviceId;
        }

        public PropertyBag properties() {
            return properties;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CloudToDevice && ((CloudToDevice) other).deviceId.equals(deviceId)
                    && ((CloudToDevice) other).properties.equals(properties);
        }

        @Override
        public int hashCode() {
            return Objects.hash(deviceId, properties);
        }

        @Override
        public String toString() {
            return "CloudToDevice[deviceId=" + deviceId + ", properties=" + properties + "]";
        }
    }
}
