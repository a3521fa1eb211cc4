package io.kuradps.provisioning.component;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.kuradps.provisioning.component.ProvisioningConfig.Attestation;
import io.kuradps.provisioning.component.ProvisioningConfig.EnrollmentKind;
import io.kuradps.provisioning.component.ProvisioningConfig.X509Source;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.transport.HttpProxy;

/**
 * Everything that decides how the gateway registers with DPS: where (endpoint, transport, trusted CAs), as whom (id
 * scope, registration id, credentials or X.509 source) and what it sends (api-version, payload, SAS lifetime). Two
 * equal identities register the same way, so a configuration change that keeps the identity restarts nothing.
 * Timeouts and retry bounds are not part of it ({@link RetryTiming}). Immutable; holds secrets in memory only and
 * never shows them in {@link #toString()}.
 */
final class RegistrationIdentity {

    final String endpointHost;
    final int endpointPort;
    final MqttTransport transport;
    final Path caFile;
    /** kura.service.pid of a KeystoreService whose trusted certificates are trusted too; empty for none. */
    final String caKeystorePid;
    final String idScope;
    final String registrationId;
    final Attestation attestation;
    final EnrollmentKind enrollmentKind;
    final String symmetricKey;
    final X509Source x509Source;
    final Path pkcs12Path;
    final String pkcs12Password;
    final Path certificatePath;
    final Path keyPath;
    final String keystorePid;
    final String keystoreAlias;
    final String apiVersion;
    final String customPayload;
    final Duration sasLifetime;
    /** The HTTP proxy DPS is reached through, or null for a direct connection. */
    final HttpProxy proxy;
    /** The certificate to ask DPS for with each registration, or null for none. */
    final CertificateRequest certificateRequest;

    private RegistrationIdentity(Builder builder) {
        endpointHost = builder.endpointHost;
        endpointPort = builder.endpointPort;
        transport = builder.transport;
        caFile = builder.caFile;
        caKeystorePid = builder.caKeystorePid;
        idScope = builder.idScope;
        registrationId = builder.registrationId;
        attestation = builder.attestation;
        enrollmentKind = builder.enrollmentKind;
        symmetricKey = builder.symmetricKey;
        x509Source = builder.x509Source;
        pkcs12Path = builder.pkcs12Path;
        pkcs12Password = builder.pkcs12Password;
        certificatePath = builder.certificatePath;
        keyPath = builder.keyPath;
        keystorePid = builder.keystorePid;
        keystoreAlias = builder.keystoreAlias;
        apiVersion = builder.apiVersion;
        customPayload = builder.customPayload;
        sasLifetime = builder.sasLifetime;
        proxy = builder.proxy;
        certificateRequest = builder.certificateRequest;
    }

    /** Every value, in one list, so that equality cannot forget a field added later. */
    private List<Object> values() {
        return Arrays.asList(endpointHost, endpointPort, transport, caFile, caKeystorePid, idScope, registrationId,
                attestation, enrollmentKind, symmetricKey, x509Source, pkcs12Path, pkcs12Password, certificatePath,
                keyPath, keystorePid, keystoreAlias, apiVersion, customPayload, sasLifetime, proxy, certificateRequest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegistrationIdentity && values().equals(((RegistrationIdentity) other).values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return "endpoint=" + endpointHost + ":" + endpointPort + ", transport=" + transport + ", idScope=" + idScope
                + ", registrationId=" + registrationId + ", attestation=" + attestation
                + (attestation == Attestation.SYMMETRIC_KEY ? ", enrollment=" + enrollmentKind + ", key=<redacted>"
                        : ", x509=" + x509Source)
                + ", apiVersion=" + apiVersion + ", customPayload=" + (customPayload != null) + ", caFile=" + caFile
                + (caKeystorePid.isEmpty() ? "" : ", caKeystore=" + caKeystorePid)
                + (proxy == null ? "" : ", proxy=" + proxy.host() + ":" + proxy.port())
                + (certificateRequest == null ? "" : ", " + certificateRequest);
    }

    /** Filled by {@link ProvisioningConfig} as it validates the fields. */
    static final class Builder {
        String endpointHost;
        int endpointPort;
        MqttTransport transport;
        Path caFile;
        String caKeystorePid = "";
        String idScope;
        String registrationId;
        Attestation attestation;
        EnrollmentKind enrollmentKind;
        String symmetricKey = "";
        X509Source x509Source = X509Source.NONE;
        Path pkcs12Path;
        String pkcs12Password = "";
        Path certificatePath;
        Path keyPath;
        String keystorePid = "";
        String keystoreAlias = "";
        String apiVersion;
        String customPayload;
        Duration sasLifetime;
        HttpProxy proxy;
        CertificateRequest certificateRequest;

        RegistrationIdentity build() {
            return new RegistrationIdentity(this);
        }
    }
}
