package io.kuradps.provisioning.component;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.eclipse.kura.crypto.CryptoService;

/**
 * The configuration after validation and password decryption. Immutable; holds secrets in memory only and never
 * shows them in {@link #toString()}. Field formats that belong to the DPS protocol (id scope, registration id,
 * api-version, key, payload) are checked again by the protocol core when the registration settings are built.
 */
final class ProvisioningConfig {

    enum Attestation { SYMMETRIC_KEY, X509 }

    enum EnrollmentKind { INDIVIDUAL, GROUP }

    enum Transport {
        MQTT(8883), WEBSOCKET(443);

        final int defaultPort;

        Transport(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    enum ReprovisionPolicy { EVERY_START, WITHOUT_VALID_CACHE }

    enum X509Source { NONE, PKCS12, PEM, KEYSTORE }

    static final String F_ENABLED = "enabled";
    static final String F_ENDPOINT = "global.endpoint";
    static final String F_ID_SCOPE = "id.scope";
    static final String F_REGISTRATION_ID = "registration.id";
    static final String F_ATTESTATION = "attestation";
    static final String F_ENROLLMENT_KIND = "enrollment.kind";
    static final String F_SYMMETRIC_KEY = "symmetric.key";
    static final String F_PKCS12_PATH = "x509.pkcs12.path";
    static final String F_PKCS12_PASSWORD = "x509.pkcs12.password";
    static final String F_CERTIFICATE_PATH = "x509.certificate.path";
    static final String F_KEY_PATH = "x509.key.path";
    static final String F_KEYSTORE_PID = "x509.keystore.service.pid";
    static final String F_KEYSTORE_ALIAS = "x509.keystore.alias";
    static final String F_TRANSPORT = "transport";
    static final String F_API_VERSION = "api.version";
    static final String F_CUSTOM_PAYLOAD = "custom.payload";
    static final String F_CA_FILE = "ca.file";
    static final String F_SAS_LIFETIME = "sas.lifetime.seconds";
    static final String F_RESPONSE_TIMEOUT = "response.timeout.seconds";
    static final String F_MAX_RETRY_AFTER = "max.retry.after.seconds";
    static final String F_BACKOFF_MAX = "backoff.max.seconds";
    static final String F_DEADLINE = "deadline.seconds";
    static final String F_RETRY_PAUSE_MAX = "retry.pause.max.seconds";
    static final String F_POLICY = "reprovision.policy";

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    final boolean enabled;
    final String endpointHost;
    final int endpointPort;
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
    final Transport transport;
    final String apiVersion;
    final String customPayload;
    final Path caFile;
    final Duration sasLifetime;
    final Duration responseTimeout;
    final Duration maxRetryAfter;
    final Duration backoffMax;
    final Duration deadline;
    final Duration retryPauseMax;
    final ReprovisionPolicy policy;

    private ProvisioningConfig(DpsProvisionerConfig raw, CryptoService crypto) throws InvalidConfigurationException {
        enabled = raw.enabled();
        if (!enabled) {
            // A disabled provisioner may be half-configured; nothing below is used.
            endpointHost = "";
            endpointPort = 0;
            idScope = "";
            registrationId = "";
            attestation = Attestation.SYMMETRIC_KEY;
            enrollmentKind = EnrollmentKind.INDIVIDUAL;
            symmetricKey = "";
            x509Source = X509Source.NONE;
            pkcs12Path = null;
            pkcs12Password = "";
            certificatePath = null;
            keyPath = null;
            keystorePid = "";
            keystoreAlias = "";
            transport = Transport.MQTT;
            apiVersion = "";
            customPayload = null;
            caFile = null;
            sasLifetime = Duration.ZERO;
            responseTimeout = Duration.ZERO;
            maxRetryAfter = Duration.ZERO;
            backoffMax = Duration.ZERO;
            deadline = Duration.ZERO;
            retryPauseMax = Duration.ZERO;
            policy = ReprovisionPolicy.EVERY_START;
            return;
        }
        transport = option(F_TRANSPORT, raw.transport(), Transport.class, DpsProvisionerConfig.TRANSPORT_MQTT,
                DpsProvisionerConfig.TRANSPORT_WEBSOCKET);
        String endpoint = required(F_ENDPOINT, raw.global_endpoint()).toLowerCase(Locale.ROOT);
        if (endpoint.contains("://") || endpoint.contains("/")) {
            throw new InvalidConfigurationException(F_ENDPOINT,
                    "give a host name, optionally with :port, without scheme or path (got '" + endpoint + "')");
        }
        int colon = endpoint.lastIndexOf(':');
        endpointHost = colon < 0 ? endpoint : endpoint.substring(0, colon);
        endpointPort = colon < 0 ? transport.defaultPort : port(endpoint.substring(colon + 1));
        if (!HOST.matcher(endpointHost).matches()) {
            throw new InvalidConfigurationException(F_ENDPOINT, "'" + endpointHost + "' is not a host name");
        }
        idScope = required(F_ID_SCOPE, raw.id_scope());
        registrationId = required(F_REGISTRATION_ID, raw.registration_id());
        attestation = option(F_ATTESTATION, raw.attestation(), Attestation.class,
                DpsProvisionerConfig.ATTESTATION_SYMMETRIC_KEY, DpsProvisionerConfig.ATTESTATION_X509);
        enrollmentKind = option(F_ENROLLMENT_KIND, raw.enrollment_kind(), EnrollmentKind.class,
                DpsProvisionerConfig.ENROLLMENT_INDIVIDUAL, DpsProvisionerConfig.ENROLLMENT_GROUP);
        symmetricKey = PasswordDecryptor.decrypt(F_SYMMETRIC_KEY, trimmed(raw.symmetric_key()), crypto);
        pkcs12Path = path(F_PKCS12_PATH, raw.x509_pkcs12_path());
        pkcs12Password = PasswordDecryptor.decrypt(F_PKCS12_PASSWORD, raw.x509_pkcs12_password(), crypto);
        certificatePath = path(F_CERTIFICATE_PATH, raw.x509_certificate_path());
        keyPath = path(F_KEY_PATH, raw.x509_key_path());
        keystorePid = trimmed(raw.x509_keystore_service_pid());
        keystoreAlias = trimmed(raw.x509_keystore_alias());
        if (attestation == Attestation.SYMMETRIC_KEY) {
            required(F_SYMMETRIC_KEY, symmetricKey);
            x509Source = X509Source.NONE;
        } else {
            x509Source = x509Source();
        }
        apiVersion = required(F_API_VERSION, raw.api_version());
        String payload = trimmed(raw.custom_payload());
        customPayload = payload.isEmpty() ? null : payload;
        caFile = path(F_CA_FILE, raw.ca_file());
        sasLifetime = seconds(F_SAS_LIFETIME, raw.sas_lifetime_seconds(), 60, 86400);
        responseTimeout = seconds(F_RESPONSE_TIMEOUT, raw.response_timeout_seconds(), 1, 600);
        maxRetryAfter = seconds(F_MAX_RETRY_AFTER, raw.max_retry_after_seconds(), 1, 3600);
        backoffMax = seconds(F_BACKOFF_MAX, raw.backoff_max_seconds(), 1, 3600);
        deadline = seconds(F_DEADLINE, raw.deadline_seconds(), 10, 86400);
        retryPauseMax = seconds(F_RETRY_PAUSE_MAX, raw.retry_pause_max_seconds(), 10, 86400);
        policy = option(F_POLICY, raw.reprovision_policy(), ReprovisionPolicy.class,
                DpsProvisionerConfig.POLICY_EVERY_START, DpsProvisionerConfig.POLICY_WITHOUT_VALID_CACHE);
    }

    /**
     * Validates and decrypts a configuration.
     *
     * @param crypto Kura's CryptoService, or null when none is present (Password values are then taken as given)
     * @throws InvalidConfigurationException naming the first field that is missing or wrong
     */
    static ProvisioningConfig from(DpsProvisionerConfig raw, CryptoService crypto)
            throws InvalidConfigurationException {
        ProvisioningConfig config = new ProvisioningConfig(raw, crypto);
        if (config.enabled) {
            // The protocol core owns the formats of id scope, registration id, key, api-version and payload.
            RegistrationSetup.settings(config);
        }
        return config;
    }

    /** What the cached assignment is tied to. */
    AssignmentStore.Key cacheKey() {
        return new AssignmentStore.Key(idScope, registrationId, endpointHost);
    }

    /**
     * True when both would register the same way with DPS; timeouts, retry bounds and the policy may differ,
     * since they only shape later attempts.
     */
    boolean sameRegistrationAs(ProvisioningConfig other) {
        return other != null && enabled == other.enabled && endpointHost.equals(other.endpointHost)
                && endpointPort == other.endpointPort && idScope.equals(other.idScope)
                && registrationId.equals(other.registrationId) && attestation == other.attestation
                && enrollmentKind == other.enrollmentKind && symmetricKey.equals(other.symmetricKey)
                && x509Source == other.x509Source && Objects.equals(pkcs12Path, other.pkcs12Path)
                && pkcs12Password.equals(other.pkcs12Password) && Objects.equals(certificatePath, other.certificatePath)
                && Objects.equals(keyPath, other.keyPath) && keystorePid.equals(other.keystorePid)
                && keystoreAlias.equals(other.keystoreAlias) && transport == other.transport
                && apiVersion.equals(other.apiVersion) && Objects.equals(customPayload, other.customPayload)
                && Objects.equals(caFile, other.caFile) && sasLifetime.equals(other.sasLifetime);
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "ProvisioningConfig[enabled=false]";
        }
        return "ProvisioningConfig[endpoint=" + endpointHost + ":" + endpointPort + ", transport=" + transport
                + ", idScope=" + idScope + ", registrationId=" + registrationId + ", attestation=" + attestation
                + (attestation == Attestation.SYMMETRIC_KEY ? ", enrollment=" + enrollmentKind + ", key=<redacted>"
                        : ", x509=" + x509Source)
                + ", apiVersion=" + apiVersion + ", customPayload=" + (customPayload != null)
                + ", caFile=" + caFile + ", policy=" + policy + "]";
    }

    private X509Source x509Source() throws InvalidConfigurationException {
        boolean pkcs12 = pkcs12Path != null;
        boolean pem = certificatePath != null || keyPath != null;
        boolean keystore = !keystorePid.isEmpty() || !keystoreAlias.isEmpty();
        int sources = (pkcs12 ? 1 : 0) + (pem ? 1 : 0) + (keystore ? 1 : 0);
        if (sources == 0) {
            throw new InvalidConfigurationException(F_PKCS12_PATH, "X.509 attestation needs a client identity: set "
                    + F_PKCS12_PATH + ", or " + F_CERTIFICATE_PATH + " and " + F_KEY_PATH + ", or " + F_KEYSTORE_PID
                    + " and " + F_KEYSTORE_ALIAS);
        }
        if (sources > 1) {
            throw new InvalidConfigurationException(pkcs12 ? F_PKCS12_PATH : F_CERTIFICATE_PATH,
                    "set only one X.509 source (PKCS#12 file, PEM files, or keystore service)");
        }
        if (pkcs12) {
            return X509Source.PKCS12;
        }
        if (pem) {
            if (certificatePath == null) {
                throw new InvalidConfigurationException(F_CERTIFICATE_PATH, "required together with " + F_KEY_PATH);
            }
            if (keyPath == null) {
                throw new InvalidConfigurationException(F_KEY_PATH, "required together with " + F_CERTIFICATE_PATH);
            }
            return X509Source.PEM;
        }
        required(F_KEYSTORE_PID, keystorePid);
        required(F_KEYSTORE_ALIAS, keystoreAlias);
        return X509Source.KEYSTORE;
    }

    private static int port(String text) throws InvalidConfigurationException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException(F_ENDPOINT, "port '" + text + "' is not a number from 1 to 65535");
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }

    private static String required(String field, String value) throws InvalidConfigurationException {
        String text = trimmed(value);
        if (text.isEmpty()) {
            throw new InvalidConfigurationException(field, "is required");
        }
        return text;
    }

    /** An existing, readable file, or null when the field is empty. */
    private static Path path(String field, String value) throws InvalidConfigurationException {
        String text = trimmed(value);
        if (text.isEmpty()) {
            return null;
        }
        Path file;
        try {
            file = Paths.get(text);
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(field, "'" + text + "' is not a valid path");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidConfigurationException(field, "file " + text + " does not exist or is not readable");
        }
        return file;
    }

    private static Duration seconds(String field, int value, int min, int max) throws InvalidConfigurationException {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(field, value + " is outside " + min + ".." + max);
        }
        return Duration.ofSeconds(value);
    }

    /** Maps an Options value to the enum constant declared at the same position. */
    private static <E extends Enum<E>> E option(String field, String value, Class<E> type, String... allowed)
            throws InvalidConfigurationException {
        String text = trimmed(value);
        for (int i = 0; i < allowed.length; i++) {
            if (allowed[i].equals(text)) {
                return type.getEnumConstants()[i];
            }
        }
        throw new InvalidConfigurationException(field,
                "'" + text + "' is not one of " + String.join(", ", allowed));
    }
}
