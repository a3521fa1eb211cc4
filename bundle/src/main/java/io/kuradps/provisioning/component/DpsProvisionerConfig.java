package io.kuradps.provisioning.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.protocol.RegistrationSettings;

/**
 * The configuration the Kura web UI edits. bnd turns this into OSGI-INF/metatype/{pid}.xml; method names map to
 * property ids by the OSGi rule ({@code _} becomes {@code .}).
 *
 * <p>The home of every option value, bound and default of the form: {@link ProvisioningConfig} validates against
 * the constants below, and the defaults the protocol core shares are {@link RegistrationSettings}'.
 */
@ObjectClassDefinition(id = DpsProvisioner.PID, name = "Azure DPS Provisioning",
        description = "Registers this gateway with the Azure IoT Hub Device Provisioning Service (DPS) over MQTT and "
                + "publishes the assigned IoT hub to other bundles.")
@interface DpsProvisionerConfig {

    String ATTESTATION_SYMMETRIC_KEY = "symmetric-key";
    String ATTESTATION_X509 = "x509";
    String ENROLLMENT_INDIVIDUAL = "individual";
    String ENROLLMENT_GROUP = "group";
    String POLICY_EVERY_START = "every-start";
    String POLICY_WITHOUT_VALID_CACHE = "without-valid-cache";
    String POLICY_ON_HUB_ERROR = "on-hub-error";

    String KEY_EC_P256 = "ec-p256";
    String KEY_EC_P384 = "ec-p384";
    String KEY_RSA_2048 = "rsa-2048";
    String KEY_RSA_3072 = "rsa-3072";
    /**
     * The KeystoreService the issued certificate is kept in; when Kura has none of that name, the provisioner creates
     * it (a file keystore under Kura's data directory), so issuance works with nothing typed.
     */
    String CERTIFICATE_KEYSTORE_DEFAULT = "KuraDpsKeystore";
    String CERTIFICATE_ALIAS_DEFAULT = "kura-dps-device";
    /** DPS's credential policies issue for 1 to 90 days; renewing more than 90 days ahead would never wait. */
    int RENEW_BEFORE_HOURS_MIN = 1;
    int RENEW_BEFORE_HOURS_MAX = 90 * 24;
    int RENEW_BEFORE_HOURS_DEFAULT = 7 * 24;

    int SAS_LIFETIME_MIN = RegistrationSettings.MIN_SAS_LIFETIME_SECONDS;
    int SAS_LIFETIME_MAX = 86400;
    int RESPONSE_TIMEOUT_MIN = 1;
    int RESPONSE_TIMEOUT_MAX = 600;
    int MAX_RETRY_AFTER_MIN = RegistrationSettings.MIN_RETRY_AFTER_SECONDS;
    int MAX_RETRY_AFTER_MAX = 3600;
    int BACKOFF_MAX_MIN = 1;
    int BACKOFF_MAX_MAX = 3600;
    int DEADLINE_MIN = 10;
    int DEADLINE_MAX = 86400;
    int RETRY_PAUSE_MAX_MIN = 10;
    int RETRY_PAUSE_MAX_MAX = 86400;
    int RETRY_PAUSE_MAX_DEFAULT = 3600;
    /** The first pause before a fresh run; it doubles per failed run up to retry.pause.max.seconds. */
    int FIRST_RETRY_PAUSE_SECONDS = 60;
    int PROXY_PORT_MIN = 1;
    int PROXY_PORT_MAX = 65535;
    /** Squid's port, the most common default of HTTP proxies. */
    int PROXY_PORT_DEFAULT = 3128;

    @AttributeDefinition(name = "Enabled", description = "Provision with DPS. When false nothing is attempted.")
    boolean enabled() default false;

    @AttributeDefinition(name = "Global endpoint",
            description = "DPS host name, optionally with :port. The port defaults to 8883 (MQTT) or 443 (WebSocket).")
    String global_endpoint() default "global.azure-devices-provisioning.net";

    @AttributeDefinition(name = "ID scope", required = false,
            description = "The DPS instance's ID scope, e.g. 0ne00000000 (shown on the DPS overview page).")
    String id_scope() default "";

    @AttributeDefinition(name = "Registration ID", required = false,
            description = "Lowercase letters, digits and - . _ : (at most 128). For X.509 it must equal the "
                    + "certificate's subject CN.")
    String registration_id() default "";

    @AttributeDefinition(name = "Attestation", description = "How the gateway proves its identity to DPS.",
            options = {
                @Option(label = "Symmetric key", value = ATTESTATION_SYMMETRIC_KEY),
                @Option(label = "X.509 certificate", value = ATTESTATION_X509) })
    String attestation() default ATTESTATION_SYMMETRIC_KEY;

    @AttributeDefinition(name = "Enrollment kind",
            description = "Individual: the key is the device's own key. Group: the key is the enrollment group's "
                    + "key and the device key is derived from the registration ID.",
            options = {
                @Option(label = "Individual enrollment", value = ENROLLMENT_INDIVIDUAL),
                @Option(label = "Enrollment group", value = ENROLLMENT_GROUP) })
    String enrollment_kind() default ENROLLMENT_INDIVIDUAL;

    @AttributeDefinition(name = "Symmetric key", type = AttributeType.PASSWORD, required = false,
            description = "Base64 primary key of the individual enrollment or of the enrollment group "
                    + "(symmetric key attestation only).")
    String symmetric_key() default "";

    @AttributeDefinition(name = "PKCS#12 file", required = false,
            description = "X.509: path of a PKCS#12 file holding the device certificate chain and private key.")
    String x509_pkcs12_path() default "";

    @AttributeDefinition(name = "PKCS#12 password", type = AttributeType.PASSWORD, required = false,
            description = "X.509: password of the PKCS#12 file.")
    String x509_pkcs12_password() default "";

    @AttributeDefinition(name = "PEM certificate file", required = false,
            description = "X.509: path of a PEM file with the device certificate (and its chain, leaf first).")
    String x509_certificate_path() default "";

    @AttributeDefinition(name = "PEM private key file", required = false,
            description = "X.509: path of the unencrypted PEM private key (PKCS#8, RSA or EC).")
    String x509_key_path() default "";

    @AttributeDefinition(name = "Keystore service PID", required = false,
            description = "X.509: kura.service.pid of a Kura KeystoreService (e.g. SSLKeystore) holding the device "
                    + "key; used with the alias below.")
    String x509_keystore_service_pid() default "";

    @AttributeDefinition(name = "Keystore alias", required = false,
            description = "X.509: alias of the private key entry in that keystore.")
    String x509_keystore_alias() default "";

    @AttributeDefinition(name = "Transport", description = "MQTT on port 8883, or MQTT over WebSocket on port 443.",
            options = {
                @Option(label = "MQTT (TLS, 8883)", value = MqttTransport.OPTION_MQTT),
                @Option(label = "MQTT over WebSocket (TLS, 443)", value = MqttTransport.OPTION_WEBSOCKET) })
    String transport() default MqttTransport.OPTION_MQTT;

    @AttributeDefinition(name = "HTTP proxy host", required = false,
            description = "Host name or address of an HTTP proxy to tunnel through with CONNECT (no scheme, no port). "
                    + "TLS stays end to end with DPS. Empty: connect directly.")
    String proxy_host() default "";

    @AttributeDefinition(name = "HTTP proxy port", min = "" + PROXY_PORT_MIN, max = "" + PROXY_PORT_MAX,
            description = "Port of the HTTP proxy. Used only with a proxy host.")
    int proxy_port() default PROXY_PORT_DEFAULT;

    @AttributeDefinition(name = "HTTP proxy user name", required = false,
            description = "User name for the proxy's Basic authentication. Empty: no authentication.")
    String proxy_username() default "";

    @AttributeDefinition(name = "HTTP proxy password", type = AttributeType.PASSWORD, required = false,
            description = "Password for the proxy's Basic authentication.")
    String proxy_password() default "";

    @AttributeDefinition(name = "API version",
            description = "DPS api-version: " + ApiVersions.V2019_03_31 + ", " + ApiVersions.V2021_06_01 + ", "
                    + ApiVersions.V2021_10_01 + " or " + ApiVersions.V2025_07_01_PREVIEW + ".")
    String api_version() default ApiVersions.DEFAULT;

    @AttributeDefinition(name = "Custom payload", required = false,
            description = "Optional JSON object sent as the registration payload (data for a custom allocation "
                    + "policy).")
    String custom_payload() default "";

    @AttributeDefinition(name = "Request a certificate",
            description = "Send a certificate signing request with the registration (api-version "
                    + ApiVersions.CERTIFICATE_ISSUANCE + ", used whatever the API version above says unless it is a"
                    + " later preview) so that DPS issues this gateway an X.509 certificate, kept in the"
                    + " KeystoreService below. The key pair is created inside that keystore and never leaves it. The"
                    + " enrollment needs an Azure Device Registry credential policy. Works with any attestation.")
    boolean certificate_issuance() default false;

    @AttributeDefinition(name = "Certificate keystore service PID",
            description = "kura.service.pid of the Kura KeystoreService that keeps the issued certificate and its key. "
                    + "When Kura has no KeystoreService and no configuration of that name, one is created (Kura's file "
                    + "keystore, its file under Kura's data directory, its password chosen and kept by Kura): nothing "
                    + "to type. A keystore of its own, holding no other key, since Kura's SSL manager presents any key "
                    + "of its keystore.")
    String certificate_keystore_service_pid() default CERTIFICATE_KEYSTORE_DEFAULT;

    @AttributeDefinition(name = "Certificate keystore alias",
            description = "Alias of the issued certificate's key entry in that keystore. A renewal's new key waits in "
                    + "a keystore of its own (" + CertificateRequest.PENDING_KEYSTORE_PID + ") until its certificate is "
                    + "validated; key and certificate then replace this entry in one write.")
    String certificate_keystore_alias() default CERTIFICATE_ALIAS_DEFAULT;

    @AttributeDefinition(name = "Certificate key type",
            description = "The key pair the keystore creates for the certificate. Azure's certificate issuance takes EC "
                    + "P-384 keys only (CSR signed with ECDSA SHA-384); the other types are refused by Azure today and "
                    + "are kept for a service that takes them.",
            options = {
                @Option(label = "EC P-384 (ECDSA with SHA-384), what Azure takes", value = KEY_EC_P384),
                @Option(label = "EC P-256 (ECDSA with SHA-256): Azure refuses it today", value = KEY_EC_P256),
                @Option(label = "RSA 2048 (SHA-256 with RSA): Azure refuses RSA today", value = KEY_RSA_2048),
                @Option(label = "RSA 3072 (SHA-256 with RSA): Azure refuses RSA today", value = KEY_RSA_3072) })
    String certificate_key_type() default KEY_EC_P384;

    @AttributeDefinition(name = "Renew the certificate before expiry (h)", min = "" + RENEW_BEFORE_HOURS_MIN,
            max = "" + RENEW_BEFORE_HOURS_MAX,
            description = "Register again (with a new key pair) this long before the issued certificate expires, "
                    + "or halfway through its validity if that is later, so a short-lived certificate is not renewed "
                    + "at once. The certificate in force stays until the new one is stored.")
    int certificate_renew_before_hours() default RENEW_BEFORE_HOURS_DEFAULT;

    @AttributeDefinition(name = "Extra CA file", required = false,
            description = "Optional PEM file of CA certificates trusted in addition to the bundled DPS roots "
                    + "(DigiCert Global Root G2, Baltimore CyberTrust Root, Microsoft RSA Root CA 2017).")
    String ca_file() default "";

    @AttributeDefinition(name = "CA keystore service PID", required = false,
            description = "Optional kura.service.pid of a Kura KeystoreService (e.g. SSLKeystore) whose trusted "
                    + "certificate entries are trusted too, so a CA added in Kura's certificate page applies.")
    String ca_keystore_service_pid() default "";

    @AttributeDefinition(name = "SAS token lifetime (s)", min = "" + SAS_LIFETIME_MIN, max = "" + SAS_LIFETIME_MAX,
            description = "How long the SAS token sent to DPS stays valid.")
    int sas_lifetime_seconds() default RegistrationSettings.DEFAULT_SAS_LIFETIME_SECONDS;

    @AttributeDefinition(name = "Response timeout (s)", min = "" + RESPONSE_TIMEOUT_MIN,
            max = "" + RESPONSE_TIMEOUT_MAX,
            description = "How long to wait for each answer (CONNACK, SUBACK, DPS response) before retrying.")
    int response_timeout_seconds() default RegistrationSettings.DEFAULT_RESPONSE_TIMEOUT_SECONDS;

    @AttributeDefinition(name = "Maximum retry-after (s)", min = "" + MAX_RETRY_AFTER_MIN,
            max = "" + MAX_RETRY_AFTER_MAX, description = "Upper bound on the retry-after DPS asks for.")
    int max_retry_after_seconds() default RegistrationSettings.DEFAULT_MAX_RETRY_AFTER_SECONDS;

    @AttributeDefinition(name = "Maximum backoff (s)", min = "" + BACKOFF_MAX_MIN, max = "" + BACKOFF_MAX_MAX,
            description = "Upper bound of the exponential backoff (full jitter) between attempts.")
    int backoff_max_seconds() default RegistrationSettings.DEFAULT_BACKOFF_MAX_SECONDS;

    @AttributeDefinition(name = "Overall deadline (s)", min = "" + DEADLINE_MIN, max = "" + DEADLINE_MAX,
            description = "A registration run that has not succeeded by then fails (retryable); a fresh run is "
                    + "scheduled later.")
    int deadline_seconds() default RegistrationSettings.DEFAULT_OVERALL_DEADLINE_SECONDS;

    @AttributeDefinition(name = "Pause before a fresh run, maximum (s)", min = "" + RETRY_PAUSE_MAX_MIN,
            max = "" + RETRY_PAUSE_MAX_MAX,
            description = "After a run fails for a transient reason, the next run starts after a pause that "
                    + "doubles from " + FIRST_RETRY_PAUSE_SECONDS + " s up to this bound (with jitter).")
    int retry_pause_max_seconds() default RETRY_PAUSE_MAX_DEFAULT;

    @AttributeDefinition(name = "Re-provisioning policy",
            description = "On hub error (as Microsoft advises): contact DPS when no valid assignment is cached, when "
                    + "the assigned hub refuses the device (the hub link asks), or when asked. Every start: contact "
                    + "DPS at each start (the cached assignment is published first and kept when DPS is "
                    + "unreachable). Only without a valid cache: contact DPS only when no assignment for this "
                    + "configuration is cached or when asked; hub refusals are reported, not acted on.",
            options = {
                @Option(label = "When the hub refuses the device, or without a valid cache", value = POLICY_ON_HUB_ERROR),
                @Option(label = "Contact DPS at every start", value = POLICY_EVERY_START),
                @Option(label = "Only without a valid cached assignment", value = POLICY_WITHOUT_VALID_CACHE) })
    String reprovision_policy() default POLICY_ON_HUB_ERROR;
}
