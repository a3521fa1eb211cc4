package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.ProvisioningConfig.F_API_VERSION;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_BACKOFF_MAX;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CA_FILE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CERTIFICATE_PATH;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CUSTOM_PAYLOAD;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_DEADLINE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_ID_SCOPE;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_KEYSTORE_PID;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;

import io.kuradps.provisioning.component.ProvisioningConfig.Attestation;
import io.kuradps.provisioning.component.ProvisioningConfig.EnrollmentKind;
import io.kuradps.provisioning.component.ProvisioningConfig.Transport;
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
    private static final Duration BACKOFF_BASE = Duration.ofSeconds(1);

    /** Protocol field names (the prefix of DpsProtocolException messages) to configuration property ids. */
    private static final Map<String, String> PROTOCOL_FIELDS = new HashMap<>();

    static {
        PROTOCOL_FIELDS.put("idScope", F_ID_SCOPE);
        PROTOCOL_FIELDS.put("registrationId", F_REGISTRATION_ID);
        PROTOCOL_FIELDS.put("apiVersion", F_API_VERSION);
        PROTOCOL_FIELDS.put("customPayloadJson", F_CUSTOM_PAYLOAD);
        PROTOCOL_FIELDS.put("symmetricKey", F_SYMMETRIC_KEY);
        PROTOCOL_FIELDS.put("groupKey", F_SYMMETRIC_KEY);
        PROTOCOL_FIELDS.put("credentials", F_SYMMETRIC_KEY);
        PROTOCOL_FIELDS.put("sasLifetime", F_SAS_LIFETIME);
        PROTOCOL_FIELDS.put("responseTimeout", F_RESPONSE_TIMEOUT);
        PROTOCOL_FIELDS.put("overallDeadline", F_DEADLINE);
        PROTOCOL_FIELDS.put("maxRetryAfter", F_MAX_RETRY_AFTER);
        PROTOCOL_FIELDS.put("backoffBase", F_BACKOFF_MAX);
        PROTOCOL_FIELDS.put("backoffMax", F_BACKOFF_MAX);
    }

    private RegistrationSetup() {
    }

    /** The protocol core's settings; this is also where id scope, registration id, key and payload are checked. */
    static RegistrationSettings settings(ProvisioningConfig config) throws InvalidConfigurationException {
        try {
            Credentials credentials;
            if (config.attestation == Attestation.X509) {
                credentials = Credentials.x509();
            } else if (config.enrollmentKind == EnrollmentKind.GROUP) {
                credentials = Credentials.groupKey(config.symmetricKey);
            } else {
                credentials = Credentials.symmetricKey(config.symmetricKey);
            }
            return RegistrationSettings.builder()
                    .idScope(config.idScope)
                    .registrationId(config.registrationId)
                    .apiVersion(config.apiVersion)
                    .userAgent(USER_AGENT)
                    .credentials(credentials)
                    .customPayloadJson(config.customPayload)
                    .sasLifetime(config.sasLifetime)
                    .responseTimeout(config.responseTimeout)
                    .overallDeadline(config.deadline)
                    .maxRetryAfter(config.maxRetryAfter)
                    .backoffBase(BACKOFF_BASE.compareTo(config.backoffMax) < 0 ? BACKOFF_BASE : config.backoffMax)
                    .backoffMax(config.backoffMax)
                    .build();
        } catch (DpsProtocolException e) {
            throw asConfigurationProblem(e);
        }
    }

    /** Host, port, transport and the TLS setup (trust anchors, X.509 client identity). */
    static DpsEndpoint endpoint(ProvisioningConfig config, KeystoreLookup keystores)
            throws InvalidConfigurationException {
        List<X509Certificate> trusted = new ArrayList<>(TrustAnchors.bundledRoots());
        if (config.caFile != null) {
            try {
                trusted.addAll(TrustAnchors.readCertificates(config.caFile));
            } catch (IOException | GeneralSecurityException e) {
                throw new InvalidConfigurationException(F_CA_FILE, "cannot read CA certificates: " + e.getMessage());
            }
        }
        KeyManager[] keyManagers = config.attestation == Attestation.X509 ? keyManagers(config, keystores) : null;
        try {
            return new DpsEndpoint(config.endpointHost, config.endpointPort, config.transport == Transport.WEBSOCKET,
                    TlsSocketFactories.create(trusted, keyManagers));
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigurationException(F_CA_FILE, "cannot set up TLS: " + e.getMessage());
        }
    }

    private static KeyManager[] keyManagers(ProvisioningConfig config, KeystoreLookup keystores)
            throws InvalidConfigurationException {
        String field = F_PKCS12_PATH;
        try {
            switch (config.x509Source) {
                case PKCS12:
                    return ClientIdentities.fromPkcs12(config.pkcs12Path, config.pkcs12Password.toCharArray());
                case PEM:
                    field = F_CERTIFICATE_PATH;
                    return ClientIdentities.fromPem(config.certificatePath, config.keyPath);
                case KEYSTORE:
                    field = F_KEYSTORE_PID;
                    return ClientIdentities.fromEntry(
                            keystores.privateKeyEntry(config.keystorePid, config.keystoreAlias));
                default:
                    throw new InvalidConfigurationException(F_PKCS12_PATH, "no X.509 client identity configured");
            }
        } catch (UnrecoverableKeyException e) {
            throw new InvalidConfigurationException(config.x509Source == ProvisioningConfig.X509Source.PKCS12
                    ? F_PKCS12_PASSWORD : field, e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidConfigurationException(field, e.getMessage());
        }
    }

    private static InvalidConfigurationException asConfigurationProblem(DpsProtocolException e) {
        String message = e.getMessage() == null ? "invalid" : e.getMessage();
        int colon = message.indexOf(':');
        String protocolField = colon < 0 ? "" : message.substring(0, colon);
        String field = PROTOCOL_FIELDS.get(protocolField);
        if (field == null) {
            return new InvalidConfigurationException("configuration", message);
        }
        return new InvalidConfigurationException(field, message.substring(colon + 1).trim());
    }
}
