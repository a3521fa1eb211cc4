package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.DpsProvisionerConfig.BACKOFF_MAX_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.BACKOFF_MAX_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.DEADLINE_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.DEADLINE_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.MAX_RETRY_AFTER_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.MAX_RETRY_AFTER_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.PROXY_PORT_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.PROXY_PORT_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RENEW_BEFORE_HOURS_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RENEW_BEFORE_HOURS_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RESPONSE_TIMEOUT_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RESPONSE_TIMEOUT_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RETRY_PAUSE_MAX_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.RETRY_PAUSE_MAX_MIN;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.SAS_LIFETIME_MAX;
import static io.kuradps.provisioning.component.DpsProvisionerConfig.SAS_LIFETIME_MIN;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.eclipse.kura.crypto.CryptoService;

import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.HttpProxy;

/**
 * The component's configuration, validated and translated once: absent a registration when disabled, else the
 * {@link RegistrationIdentity} (what decides whether a change restarts and whether the cache applies), the
 * {@link RetryTiming} beside it, the policy, and the protocol core's settings built from both. Immutable.
 */
final class ProvisioningConfig {

    /**
     * A metatype option: each constant stands for the value the form stores, its name in lowercase with {@code -}
     * for {@code _} (the {@code @Option} values of {@link DpsProvisionerConfig}; MetatypeAgreementTest holds them
     * together).
     */
    interface OptionValue {
        String name();

        default String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    enum Attestation implements OptionValue { SYMMETRIC_KEY, X509 }

    enum EnrollmentKind implements OptionValue { INDIVIDUAL, GROUP }

    enum ReprovisionPolicy implements OptionValue {
        ON_HUB_ERROR, EVERY_START, WITHOUT_VALID_CACHE;

        /** Whether a valid cached assignment is used without contacting DPS at start. */
        boolean trustsTheCache() {
            return this != EVERY_START;
        }

        /** Whether a hub that refuses the device makes the hub link ask for re-provisioning. */
        boolean reprovisionsOnHubError() {
            return this != WITHOUT_VALID_CACHE;
        }
    }

    enum X509Source { NONE, PKCS12, PEM, KEYSTORE }

    /**
     * The key pair a KeystoreService creates for a certificate: JCA algorithm, size and the CSR's signature (which
     * Kura's KeystoreService.getCSR takes by name, BouncyCastle's JcaContentSignerBuilder). Azure's certificate
     * issuance takes EC P-384 keys only (Microsoft's "certificate issuance" page, dps-protocol.md); the others stay
     * for a service that takes them, and choosing one is warned about.
     */
    enum KeyType implements OptionValue {
        EC_P384("EC", 384, "SHA384withECDSA", true),
        EC_P256("EC", 256, "SHA256withECDSA", false),
        RSA_2048("RSA", 2048, "SHA256withRSA", false),
        RSA_3072("RSA", 3072, "SHA256withRSA", false);

        final String algorithm;
        final int size;
        final String signatureAlgorithm;
        private final boolean azureTakesIt;

        KeyType(String algorithm, int size, String signatureAlgorithm, boolean azureTakesIt) {
            this.algorithm = algorithm;
            this.size = size;
            this.signatureAlgorithm = signatureAlgorithm;
            this.azureTakesIt = azureTakesIt;
        }

        /** What to tell the operator who chose a key Azure's DPS refuses today; empty for the one it takes. */
        Optional<String> azureRefusal() {
            return azureTakesIt ? Optional.empty()
                    : Optional.of(F_CERTIFICATE_KEY_TYPE + " is " + value() + ", which Azure's certificate issuance "
                            + "refuses today (it takes " + EC_P384.value() + " only): DPS will answer the CSR with "
                            + "400 unless this endpoint is not Azure's");
        }
    }

    /**
     * Turns the configured registration id into the one registered, before it is validated (e.g. a template filled
     * in from the gateway's identity).
     */
    interface RegistrationIdResolver {
        RegistrationIdResolver AS_GIVEN = configured -> configured;

        /** @throws InvalidConfigurationException naming {@link #F_REGISTRATION_ID} when it cannot be resolved */
        String resolve(String configured) throws InvalidConfigurationException;
    }

    /** Turns a Password value from ConfigAdmin into the secret ({@link PasswordDecryptor}). */
    interface Passwords {
        /**
         * @param value as stored; null or empty gives the empty string
         * @throws MissingServiceException when it cannot be told now (the CryptoService went away)
         */
        String clear(String field, String value) throws MissingServiceException;
    }

    /** What an enabled configuration registers with. */
    static final class Registration {
        final RegistrationIdentity identity;
        final RetryTiming timing;
        final ReprovisionPolicy policy;
        /** The protocol core's settings, built from identity and timing (and checked) once. */
        final RegistrationSettings settings;

        private Registration(RegistrationIdentity identity, RetryTiming timing, ReprovisionPolicy policy,
                RegistrationSettings settings) {
            this.identity = identity;
            this.timing = timing;
            this.policy = policy;
            this.settings = settings;
        }

        @Override
        public String toString() {
            return identity + ", policy=" + policy.value();
        }
    }

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
    static final String F_CERTIFICATE_ISSUANCE = "certificate.issuance";
    static final String F_CERTIFICATE_KEYSTORE_PID = "certificate.keystore.service.pid";
    static final String F_CERTIFICATE_ALIAS = "certificate.keystore.alias";
    static final String F_CERTIFICATE_KEY_TYPE = "certificate.key.type";
    static final String F_CERTIFICATE_RENEW_BEFORE = "certificate.renew.before.hours";
    static final String F_CA_FILE = "ca.file";
    static final String F_CA_KEYSTORE_PID = "ca.keystore.service.pid";
    static final String F_SAS_LIFETIME = "sas.lifetime.seconds";
    static final String F_RESPONSE_TIMEOUT = "response.timeout.seconds";
    static final String F_MAX_RETRY_AFTER = "max.retry.after.seconds";
    static final String F_BACKOFF_MAX = "backoff.max.seconds";
    static final String F_DEADLINE = "deadline.seconds";
    static final String F_RETRY_PAUSE_MAX = "retry.pause.max.seconds";
    static final String F_POLICY = "reprovision.policy";
    static final String F_PROXY_HOST = "proxy.host";
    static final String F_PROXY_PORT = "proxy.port";
    static final String F_PROXY_USERNAME = "proxy.username";
    static final String F_PROXY_PASSWORD = "proxy.password";

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f]*:[0-9a-f:.]*");
    private static final ProvisioningConfig DISABLED = new ProvisioningConfig(null);

    private final Registration registration;

    private ProvisioningConfig(Registration registration) {
        this.registration = registration;
    }

    /**
     * Validates, decrypts with {@code crypto} (or takes Password values as given where it is null) and translates a
     * configuration; the registration id as given.
     */
    static ProvisioningConfig from(DpsProvisionerConfig raw, CryptoService crypto)
            throws InvalidConfigurationException {
        return from(raw, PasswordDecryptor.with(crypto), RegistrationIdResolver.AS_GIVEN);
    }

    /**
     * Validates, decrypts and translates a configuration. A disabled one may be half-configured: nothing else is
     * read.
     *
     * @param passwords turns Password values into secrets; null takes them as given
     * @throws MissingServiceException when a value cannot be read now for want of a service (the CryptoService or
     *                                 SystemService went away); nothing is wrong with the configuration
     * @throws InvalidConfigurationException naming the first field that is missing or wrong
     */
    static ProvisioningConfig from(DpsProvisionerConfig raw, Passwords passwords,
            RegistrationIdResolver registrationIds) throws InvalidConfigurationException {
        if (!raw.enabled()) {
            return DISABLED;
        }
        RegistrationIdentity identity = identity(raw, passwords == null ? PasswordDecryptor.with(null) : passwords,
                registrationIds);
        RetryTiming timing = timing(raw);
        ReprovisionPolicy policy = option(F_POLICY, raw.reprovision_policy(), ReprovisionPolicy.class);
        // The protocol core owns the formats of id scope, registration id, key, api-version and payload.
        return new ProvisioningConfig(new Registration(identity, timing, policy,
                RegistrationSetup.settings(identity, timing)));
    }

    /** Absent when provisioning is disabled. */
    Optional<Registration> registration() {
        return Optional.ofNullable(registration);
    }

    /** The identity to compare with another configuration's; absent when disabled. */
    Optional<RegistrationIdentity> identity() {
        return registration().map(r -> r.identity);
    }

    @Override
    public String toString() {
        return registration == null ? "ProvisioningConfig[enabled=false]" : "ProvisioningConfig[" + registration + "]";
    }

    private static RegistrationIdentity identity(DpsProvisionerConfig raw, Passwords passwords,
            RegistrationIdResolver registrationIds) throws InvalidConfigurationException {
        RegistrationIdentity.Builder identity = new RegistrationIdentity.Builder();
        identity.transport = transport(raw.transport());
        String endpoint = required(F_ENDPOINT, raw.global_endpoint()).toLowerCase(Locale.ROOT);
        if (endpoint.contains("://") || endpoint.contains("/")) {
            throw new InvalidConfigurationException(F_ENDPOINT,
                    "give a host name, optionally with :port, without scheme or path (got '" + endpoint + "')");
        }
        int colon = endpoint.lastIndexOf(':');
        identity.endpointHost = colon < 0 ? endpoint : endpoint.substring(0, colon);
        identity.endpointPort = colon < 0 ? identity.transport.defaultPort() : port(endpoint.substring(colon + 1));
        if (!HOST.matcher(identity.endpointHost).matches()) {
            throw new InvalidConfigurationException(F_ENDPOINT, "'" + identity.endpointHost + "' is not a host name");
        }
        identity.idScope = required(F_ID_SCOPE, raw.id_scope());
        identity.registrationId = required(F_REGISTRATION_ID,
                registrationIds.resolve(required(F_REGISTRATION_ID, raw.registration_id())));
        identity.attestation = option(F_ATTESTATION, raw.attestation(), Attestation.class);
        identity.enrollmentKind = option(F_ENROLLMENT_KIND, raw.enrollment_kind(), EnrollmentKind.class);
        identity.symmetricKey = passwords.clear(F_SYMMETRIC_KEY, trimmed(raw.symmetric_key()));
        identity.pkcs12Path = path(F_PKCS12_PATH, raw.x509_pkcs12_path());
        identity.pkcs12Password = passwords.clear(F_PKCS12_PASSWORD, raw.x509_pkcs12_password());
        identity.certificatePath = path(F_CERTIFICATE_PATH, raw.x509_certificate_path());
        identity.keyPath = path(F_KEY_PATH, raw.x509_key_path());
        identity.keystorePid = trimmed(raw.x509_keystore_service_pid());
        identity.keystoreAlias = trimmed(raw.x509_keystore_alias());
        if (identity.attestation == Attestation.SYMMETRIC_KEY) {
            required(F_SYMMETRIC_KEY, identity.symmetricKey);
        } else {
            identity.x509Source = x509Source(identity);
        }
        identity.apiVersion = required(F_API_VERSION, raw.api_version());
        if (!ApiVersions.isKnown(identity.apiVersion)) {
            // The protocol core takes any well-formed version; a configured one must be known, or a typo such as
            // 2020-01-01 would only show up as DPS's 400 after a connection.
            throw new InvalidConfigurationException(F_API_VERSION,
                    "'" + identity.apiVersion + "' is not one of " + String.join(", ", ApiVersions.KNOWN));
        }
        String payload = trimmed(raw.custom_payload());
        identity.customPayload = payload.isEmpty() ? null : payload;
        identity.certificateRequest = certificateRequest(raw);
        if (identity.certificateRequest != null) {
            identity.apiVersion = ApiVersions.forCertificateIssuance(identity.apiVersion);
        }
        identity.caFile = path(F_CA_FILE, raw.ca_file());
        identity.caKeystorePid = trimmed(raw.ca_keystore_service_pid());
        identity.proxy = proxy(raw.proxy_host(), raw.proxy_port(), raw.proxy_username(), raw.proxy_password(),
                passwords);
        identity.sasLifetime = seconds(F_SAS_LIFETIME, raw.sas_lifetime_seconds(), SAS_LIFETIME_MIN,
                SAS_LIFETIME_MAX);
        return identity.build();
    }

    /**
     * The HTTP proxy to tunnel through, or null when proxy.host is empty (the other proxy fields are ignored). Also
     * the validation of {@link ProxySettings}.
     */
    static HttpProxy proxy(String rawHost, int port, String rawUsername, String rawPassword, CryptoService crypto)
            throws InvalidConfigurationException {
        return proxy(rawHost, port, rawUsername, rawPassword, PasswordDecryptor.with(crypto));
    }

    private static HttpProxy proxy(String rawHost, int port, String rawUsername, String rawPassword,
            Passwords passwords) throws InvalidConfigurationException {
        String host = trimmed(rawHost).toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return null;
        }
        if (host.contains("/") || host.contains("@")) {
            throw new InvalidConfigurationException(F_PROXY_HOST, "give the proxy's host name or address only, without"
                    + " scheme, credentials or path (got '" + host + "')");
        }
        boolean ipv6 = IPV6.matcher(host).matches();
        if (!ipv6 && host.contains(":")) {
            throw new InvalidConfigurationException(F_PROXY_HOST, "give the port in " + F_PROXY_PORT + " (got '" + host
                    + "')");
        }
        if (!ipv6 && !HOST.matcher(host).matches()) {
            throw new InvalidConfigurationException(F_PROXY_HOST, "'" + host + "' is not a host name or address");
        }
        if (port < PROXY_PORT_MIN || port > PROXY_PORT_MAX) {
            throw new InvalidConfigurationException(F_PROXY_PORT,
                    port + " is outside " + PROXY_PORT_MIN + ".." + PROXY_PORT_MAX);
        }
        HttpProxy proxy = HttpProxy.at(host, port);
        String username = trimmed(rawUsername);
        String password = passwords.clear(F_PROXY_PASSWORD, rawPassword);
        if (username.isEmpty()) {
            if (!password.isEmpty()) {
                throw new InvalidConfigurationException(F_PROXY_USERNAME, "is required when " + F_PROXY_PASSWORD
                        + " is set");
            }
            return proxy;
        }
        if (username.contains(":")) {
            // RFC 7617: Basic joins user-id and password with the first colon.
            throw new InvalidConfigurationException(F_PROXY_USERNAME, "Basic authentication cannot carry a ':' in"
                    + " the user name");
        }
        return proxy.withCredentials(username, password);
    }

    /** Null when no certificate is requested; the other certificate fields are then not read. */
    private static CertificateRequest certificateRequest(DpsProvisionerConfig raw)
            throws InvalidConfigurationException {
        if (!raw.certificate_issuance()) {
            return null;
        }
        // Empty as a configuration from before this field had a default holds it: the default, nothing to type.
        String configuredPid = trimmed(raw.certificate_keystore_service_pid());
        String pid = configuredPid.isEmpty() ? DpsProvisionerConfig.CERTIFICATE_KEYSTORE_DEFAULT : configuredPid;
        if (pid.equals(CertificateRequest.PENDING_KEYSTORE_PID)) {
            throw new InvalidConfigurationException(F_CERTIFICATE_KEYSTORE_PID, "'" + pid + "' is where a new key "
                    + "waits for its certificate; name another KeystoreService (default "
                    + DpsProvisionerConfig.CERTIFICATE_KEYSTORE_DEFAULT + ")");
        }
        String alias = required(F_CERTIFICATE_ALIAS, raw.certificate_keystore_alias());
        KeyType keyType = option(F_CERTIFICATE_KEY_TYPE, raw.certificate_key_type(), KeyType.class);
        int hours = raw.certificate_renew_before_hours();
        if (hours < RENEW_BEFORE_HOURS_MIN || hours > RENEW_BEFORE_HOURS_MAX) {
            throw new InvalidConfigurationException(F_CERTIFICATE_RENEW_BEFORE,
                    hours + " is outside " + RENEW_BEFORE_HOURS_MIN + ".." + RENEW_BEFORE_HOURS_MAX);
        }
        return new CertificateRequest(pid, alias, keyType, Duration.ofHours(hours));
    }

    private static RetryTiming timing(DpsProvisionerConfig raw) throws InvalidConfigurationException {
        Duration responseTimeout = seconds(F_RESPONSE_TIMEOUT, raw.response_timeout_seconds(), RESPONSE_TIMEOUT_MIN,
                RESPONSE_TIMEOUT_MAX);
        Duration maxRetryAfter = seconds(F_MAX_RETRY_AFTER, raw.max_retry_after_seconds(), MAX_RETRY_AFTER_MIN,
                MAX_RETRY_AFTER_MAX);
        Duration backoffMax = seconds(F_BACKOFF_MAX, raw.backoff_max_seconds(), BACKOFF_MAX_MIN, BACKOFF_MAX_MAX);
        Duration deadline = seconds(F_DEADLINE, raw.deadline_seconds(), DEADLINE_MIN, DEADLINE_MAX);
        Duration retryPauseMax = seconds(F_RETRY_PAUSE_MAX, raw.retry_pause_max_seconds(), RETRY_PAUSE_MAX_MIN,
                RETRY_PAUSE_MAX_MAX);
        if (responseTimeout.compareTo(deadline) > 0) {
            throw new InvalidConfigurationException(F_RESPONSE_TIMEOUT, responseTimeout.getSeconds()
                    + " s is longer than " + F_DEADLINE + " (" + deadline.getSeconds() + " s)");
        }
        return new RetryTiming(responseTimeout, maxRetryAfter, backoffMax, deadline, retryPauseMax);
    }

    private static X509Source x509Source(RegistrationIdentity.Builder identity) throws InvalidConfigurationException {
        boolean pkcs12 = identity.pkcs12Path != null;
        boolean pem = identity.certificatePath != null || identity.keyPath != null;
        boolean keystore = !identity.keystorePid.isEmpty() || !identity.keystoreAlias.isEmpty();
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
            if (identity.certificatePath == null) {
                throw new InvalidConfigurationException(F_CERTIFICATE_PATH, "required together with " + F_KEY_PATH);
            }
            if (identity.keyPath == null) {
                throw new InvalidConfigurationException(F_KEY_PATH, "required together with " + F_CERTIFICATE_PATH);
            }
            return X509Source.PEM;
        }
        required(F_KEYSTORE_PID, identity.keystorePid);
        required(F_KEYSTORE_ALIAS, identity.keystoreAlias);
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
            throw new InvalidConfigurationException(field, value + " s is outside " + min + ".." + max + " s");
        }
        return Duration.ofSeconds(value);
    }

    private static MqttTransport transport(String value) throws InvalidConfigurationException {
        try {
            return MqttTransport.ofOption(trimmed(value));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(F_TRANSPORT, e.getMessage());
        }
    }

    /** The constant whose metatype value the field holds. */
    private static <E extends Enum<E> & OptionValue> E option(String field, String value, Class<E> type)
            throws InvalidConfigurationException {
        String text = trimmed(value);
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (constant.value().equals(text)) {
                return constant;
            }
            allowed.add(constant.value());
        }
        throw new InvalidConfigurationException(field, "'" + text + "' is not one of " + String.join(", ", allowed));
    }
}
