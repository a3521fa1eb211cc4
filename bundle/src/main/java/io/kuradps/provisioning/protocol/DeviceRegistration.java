package io.kuradps.provisioning.protocol;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * DPS's DeviceRegistrationResult ({@code registrationState}). Every field is optional on the wire; an
 * {@code assigned} result is only accepted with both {@link #assignedHub()} and {@link #deviceId()}.
 */
public final class DeviceRegistration {

    private final String registrationId;
    private final String assignedHub;
    private final String deviceId;
    private final RegistrationStatus status;
    private final String substatus;
    private final String createdDateTimeUtc;
    private final String lastUpdatedDateTimeUtc;
    private final String etag;
    private final Integer errorCode;
    private final String errorMessage;
    private final String payloadJson;
    private final List<String> issuedCertificateChain;

    private DeviceRegistration(Builder builder) {
        this.registrationId = builder.registrationId;
        this.assignedHub = builder.assignedHub;
        this.deviceId = builder.deviceId;
        this.status = builder.status;
        this.substatus = builder.substatus;
        this.createdDateTimeUtc = builder.createdDateTimeUtc;
        this.lastUpdatedDateTimeUtc = builder.lastUpdatedDateTimeUtc;
        this.etag = builder.etag;
        this.errorCode = builder.errorCode;
        this.errorMessage = builder.errorMessage;
        this.payloadJson = builder.payloadJson;
        this.issuedCertificateChain = Collections.unmodifiableList(builder.issuedCertificateChain);
    }

    static Builder builder() {
        return new Builder();
    }

    public Optional<String> registrationId() {
        return Optional.ofNullable(registrationId);
    }

    /** Host name of the IoT hub the device was assigned to. */
    public Optional<String> assignedHub() {
        return Optional.ofNullable(assignedHub);
    }

    public Optional<String> deviceId() {
        return Optional.ofNullable(deviceId);
    }

    public Optional<RegistrationStatus> status() {
        return Optional.ofNullable(status);
    }

    /** initialAssignment, deviceDataMigrated, deviceDataReset, reprovisionedToInitialAssignment, or newer. */
    public Optional<String> substatus() {
        return Optional.ofNullable(substatus);
    }

    public Optional<String> createdDateTimeUtc() {
        return Optional.ofNullable(createdDateTimeUtc);
    }

    public Optional<String> lastUpdatedDateTimeUtc() {
        return Optional.ofNullable(lastUpdatedDateTimeUtc);
    }

    public Optional<String> etag() {
        return Optional.ofNullable(etag);
    }

    /** Set when the operation failed, e.g. 400207 for a failed custom allocation. */
    public Optional<Integer> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }

    /** The payload a custom allocation function returned, as compact JSON text; empty when absent or null. */
    public Optional<String> payloadJson() {
        return Optional.ofNullable(payloadJson);
    }

    /** Preview api-versions with a csr: the issued certificate chain, leaf first, base64 DER; else empty. */
    public List<String> issuedCertificateChain() {
        return issuedCertificateChain;
    }

    @Override
    public String toString() {
        return "DeviceRegistration[registrationId=" + registrationId + ", assignedHub=" + assignedHub
                + ", deviceId=" + deviceId + ", status=" + status + ", substatus=" + substatus + ", errorCode="
                + errorCode + ", errorMessage=" + errorMessage + ", createdDateTimeUtc=" + createdDateTimeUtc
                + ", lastUpdatedDateTimeUtc=" + lastUpdatedDateTimeUtc + ", etag=" + etag + ", payload="
                + (payloadJson == null ? "none" : payloadJson.length() + " chars") + ", issuedCertificates="
                + issuedCertificateChain.size() + "]";
    }

    static final class Builder {
        private String registrationId;
        private String assignedHub;
        private String deviceId;
        private RegistrationStatus status;
        private String substatus;
        private String createdDateTimeUtc;
        private String lastUpdatedDateTimeUtc;
        private String etag;
        private Integer errorCode;
        private String errorMessage;
        private String payloadJson;
        private List<String> issuedCertificateChain = Collections.emptyList();

        Builder registrationId(String value) {
            registrationId = value;
            return this;
        }

        Builder assignedHub(String value) {
            assignedHub = value;
            return this;
        }

        Builder deviceId(String value) {
            deviceId = value;
            return this;
        }

        Builder status(RegistrationStatus value) {
            status = value;
            return this;
        }

        Builder substatus(String value) {
            substatus = value;
            return this;
        }

        Builder createdDateTimeUtc(String value) {
            createdDateTimeUtc = value;
            return this;
        }

        Builder lastUpdatedDateTimeUtc(String value) {
            lastUpdatedDateTimeUtc = value;
            return this;
        }

        Builder etag(String value) {
            etag = value;
            return this;
        }

        Builder errorCode(Integer value) {
            errorCode = value;
            return this;
        }

        Builder errorMessage(String value) {
            errorMessage = value;
            return this;
        }

        Builder payloadJson(String value) {
            payloadJson = value;
            return this;
        }

        Builder issuedCertificateChain(List<String> value) {
            issuedCertificateChain = value;
            return this;
        }

        DeviceRegistration build() {
            return new DeviceRegistration(this);
        }
    }
}
