package io.kuradps.provisioning.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The IoT hub this gateway was assigned to, as DPS returned it, and where this copy came from.
 * Immutable; build one with {@link #builder()}.
 */
public final class Assignment {

    /** Where an assignment came from: a fresh DPS answer, or the copy persisted after an earlier one. */
    public enum Source {
        DPS("dps"),
        CACHE("cache");

        private final String propertyValue;

        Source(String propertyValue) {
            this.propertyValue = propertyValue;
        }

        /** The value of the {@value ProvisioningEvents#SOURCE} event and service property. */
        public String propertyValue() {
            return propertyValue;
        }
    }

    private final String assignedHub;
    private final String deviceId;
    private final String registrationId;
    private final String idScope;
    private final String substatus;
    private final String payloadJson;
    private final Instant assignedAt;
    private final Source source;
    private final IssuedCertificate certificate;

    private Assignment(Builder builder) {
        this.assignedHub = required(builder.assignedHub, "assignedHub");
        this.deviceId = required(builder.deviceId, "deviceId");
        this.registrationId = required(builder.registrationId, "registrationId");
        this.idScope = required(builder.idScope, "idScope");
        this.substatus = emptyToNull(builder.substatus);
        this.payloadJson = emptyToNull(builder.payloadJson);
        this.assignedAt = Objects.requireNonNull(builder.assignedAt, "assignedAt");
        this.source = Objects.requireNonNull(builder.source, "source");
        this.certificate = builder.certificate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this assignment's values. */
    public Builder toBuilder() {
        return new Builder()
                .assignedHub(assignedHub)
                .deviceId(deviceId)
                .registrationId(registrationId)
                .idScope(idScope)
                .substatus(substatus)
                .payloadJson(payloadJson)
                .assignedAt(assignedAt)
                .source(source)
                .certificate(certificate);
    }

    /** The same assignment, marked as coming from {@code newSource}. */
    public Assignment withSource(Source newSource) {
        return toBuilder().source(newSource).build();
    }

    /** Host name of the assigned IoT hub, e.g. {@code contoso.azure-devices.net}. */
    public String assignedHub() {
        return assignedHub;
    }

    /** The device id in the assigned hub. */
    public String deviceId() {
        return deviceId;
    }

    public String registrationId() {
        return registrationId;
    }

    public String idScope() {
        return idScope;
    }

    /** DPS substatus, e.g. {@code initialAssignment} or {@code deviceDataMigrated}, when DPS sent one. */
    public Optional<String> substatus() {
        return Optional.ofNullable(substatus);
    }

    /** The JSON payload a custom allocation policy returned, as text, when there was one. */
    public Optional<String> payloadJson() {
        return Optional.ofNullable(payloadJson);
    }

    /** When DPS answered with this assignment (for a cached copy: when it originally did). */
    public Instant assignedAt() {
        return assignedAt;
    }

    public Source source() {
        return source;
    }

    /** The certificate DPS issued with this assignment and the keystore holding it, when one was requested. */
    public Optional<IssuedCertificate> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** True when both name the same hub and device, whatever their source or time. */
    public boolean sameTarget(Assignment other) {
        return other != null && assignedHub.equals(other.assignedHub) && deviceId.equals(other.deviceId);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Assignment)) {
            return false;
        }
        Assignment that = (Assignment) o;
        return assignedHub.equals(that.assignedHub) && deviceId.equals(that.deviceId)
                && registrationId.equals(that.registrationId) && idScope.equals(that.idScope)
                && Objects.equals(substatus, that.substatus) && Objects.equals(payloadJson, that.payloadJson)
                && assignedAt.equals(that.assignedAt) && source == that.source
                && Objects.equals(certificate, that.certificate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedHub, deviceId, registrationId, idScope, substatus, payloadJson, assignedAt, source,
                certificate);
    }

    @Override
    public String toString() {
        return "Assignment[hub=" + assignedHub + ", deviceId=" + deviceId + ", registrationId=" + registrationId
                + ", idScope=" + idScope + ", substatus=" + substatus + ", assignedAt=" + assignedAt
                + ", source=" + source.propertyValue() + (payloadJson == null ? "" : ", payload=" + payloadJson)
                + (certificate == null ? "" : ", certificate=" + certificate) + "]";
    }

    /** A required text value of an API type; the exception names it. */
    static String required(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Collects the fields of an {@link Assignment}; hub, device id, registration id, id scope, time and source are required. */
    public static final class Builder {
        private String assignedHub;
        private String deviceId;
        private String registrationId;
        private String idScope;
        private String substatus;
        private String payloadJson;
        private Instant assignedAt;
        private Source source;
        private IssuedCertificate certificate;

        private Builder() {
        }

        public Builder assignedHub(String value) {
            this.assignedHub = value;
            return this;
        }

        public Builder deviceId(String value) {
            this.deviceId = value;
            return this;
        }

        public Builder registrationId(String value) {
            this.registrationId = value;
            return this;
        }

        public Builder idScope(String value) {
            this.idScope = value;
            return this;
        }

        public Builder substatus(String value) {
            this.substatus = value;
            return this;
        }

        public Builder payloadJson(String value) {
            this.payloadJson = value;
            return this;
        }

        public Builder assignedAt(Instant value) {
            this.assignedAt = value;
            return this;
        }

        public Builder source(Source value) {
            this.source = value;
            return this;
        }

        /** Optional: the certificate issued with the assignment. */
        public Builder certificate(IssuedCertificate value) {
            this.certificate = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first missing required field */
        public Assignment build() {
            return new Assignment(this);
        }
    }
}
