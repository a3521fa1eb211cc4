package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.ProvisioningConfig.F_API_VERSION;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_BACKOFF_MAX;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CA_FILE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CERTIFICATE_PATH;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CUSTOM_PAYLOAD;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_DEADLINE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_ID_SCOPE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_MAX_RETRY_AFTER;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_PKCS12_PASSWORD;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_PKCS12_PATH;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_REGISTRATION_ID;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_RESPONSE_TIMEOUT;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_SAS_LIFETIME;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_SYMMETRIC_KEY;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;

import io.kuradps.provisioning.component.ProvisioningConfig.Attestation;
import io.kuradps.provisioning.component.ProvisioningConfig.EnrollmentKind;
import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.ClientIdentities;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.TlsSocketFactories;
import io.kuradps.provisioning.transport.TrustAnchors;

/**
 * Turns the component's configuration into what the protocol core and the transport take. Problems are reported
 * with the configuration property id they come from.
 */
final class RegistrationSetup {

    /** Sent as {@code &ClientVersion=} so DPS logs show which client registered. */
    static final String USER_AGENT = "kura-dps/1.0";

    private RegistrationSetup() {
    }

    /** The protocol core's settings; this is also where id scope, registration id, key and payload are checked. */
    static RegistrationSettings settings(RegistrationIdentity identity, RetryTiming timing)
            throws InvalidConfigurationException {
        try {
            Credentials credentials;
            if (identity.attestation == Attestation.X509) {
                credentials = Credentials.x509();
            } else if (identity.enrollmentKind == EnrollmentKind.GROUP) {
                credentials = Credentials.groupKey(identity.symmetricKey);
            } else {
                credentials = Credentials.symmetricKey(identity.symmetricKey);
            }
            Duration backoffBase = RegistrationSettings.DEFAULT_BACKOFF_BASE;
            return RegistrationSettings.builder()
                    .idScope(identity.idScope)
                    .registrationId(identity.registrationId)
                    .apiVersion(identity.apiVersion)
                    .userAgent(USER_AGENT)
                    .credentials(credentials)
                    .customPayloadJson(identity.customPayload)
                    .sasLifetime(identity.sasLifetime)
                    .responseTimeout(timing.responseTimeout)
                    .overallDeadline(timing.deadline)
                    .maxRetryAfter(timing.maxRetryAfter)
                    .backoffBase(backoffBase.compareTo(timing.backoffMax) < 0 ? backoffBase : timing.backoffMax)
                    .backoffMax(timing.backoffMax)
                    .build();
        } catch (DpsProtocolException e) {
            throw new InvalidConfigurationException(e.field().map(RegistrationSetup::propertyId)
                    .orElse("configuration"), e.problem());
        }
    }

    /** The configuration property a protocol setting comes from. */
    static String propertyId(DpsProtocolException.Field field) {
        switch (field) {
            case ID_SCOPE:
                return F_ID_SCOPE;
            case REGISTRATION_ID:
                return F_REGISTRATION_ID;
            case API_VERSION:
                return F_API_VERSION;
            case CUSTOM_PAYLOAD:
                return F_CUSTOM_PAYLOAD;
            case SAS_LIFETIME:
                return F_SAS_LIFETIME;
            case RESPONSE_TIMEOUT:
                return F_RESPONSE_TIMEOUT;
            case OVERALL_DEADLINE:
                return F_DEADLINE;
            case MAX_RETRY_AFTER:
                return F_MAX_RETRY_AFTER;
            case BACKOFF_BASE:
            case BACKOFF_MAX:
                return F_BACKOFF_MAX;
            case SYMMETRIC_KEY:
            case GROUP_KEY:
            case DEVICE_KEY:
            case CREDENTIALS:
                return F_SYMMETRIC_KEY;
            case CERTIFICATE_SIGNING_REQUEST:
                // The certificate keystore makes the csr.
                return ProvisioningConfig.F_CERTIFICATE_KEYSTORE_PID;
            default:
                return "configuration";
        }
    }

    /** Host, port, transport, the TLS setup (trust anchors, X.509 client identity) and the proxy, if any. */
    static DpsEndpoint endpoint(RegistrationIdentity identity, KuraKeystores keystores)
            throws InvalidConfigurationException {
        List<X509Certificate> trusted = new ArrayList<>(TrustAnchors.bundledRoots());
        if (identity.caFile != null) {
            try {
                trusted.addAll(TrustAnchors.readCertificates(identity.caFile));
            } catch (IOException | GeneralSecurityException e) {
                throw new InvalidConfigurationException(F_CA_FILE, "cannot read CA certificates: " + e.getMessage());
            }
        }
        if (!identity.caKeystorePid.isEmpty()) {
            trusted.addAll(keystores.trustedCertificates(identity.caKeystorePid));
        }
        KeyManager[] keyManagers = identity.attestation == Attestation.X509 ? keyManagers(identity, keystores) : null;
        try {
            return new DpsEndpoint(identity.endpointHost, identity.endpointPort,
                    identity.transport.webSocket(), TlsSocketFactories.create(trusted, keyManagers),
                    identity.proxy);
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigurationException(F_CA_FILE, "cannot set up TLS: " + e.getMessage());
        }
    }

    private static KeyManager[] keyManagers(RegistrationIdentity identity, KuraKeystores keystores)
            throws InvalidConfigurationException {
        String field = F_PKCS12_PATH;
        try {
            switch (identity.x509Source) {
                case PKCS12:
                    return ClientIdentities.fromPkcs12(identity.pkcs12Path, identity.pkcs12Password.toCharArray());
                case PEM:
                    field = F_CERTIFICATE_PATH;
                    return ClientIdentities.fromPem(identity.certificatePath, identity.keyPath);
                case KEYSTORE:
                    // Through the keystore's own key managers: a PKCS#11 key cannot be copied out.
                    return keystores.identity(identity.keystorePid, identity.keystoreAlias);
                default:
                    throw new InvalidConfigurationException(F_PKCS12_PATH, "no X.509 client identity configured");
            }
        } catch (UnrecoverableKeyException e) {
            throw new InvalidConfigurationException(identity.x509Source == ProvisioningConfig.X509Source.PKCS12
                    ? F_PKCS12_PASSWORD : field, e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigurationException(field, e.getMessage());
        }
    }
}
