package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import io.kuradps.provisioning.protocol.DpsProtocolException.Field;

/** Everything one registration needs, validated as a whole when built. Immutable. */
public final class RegistrationSettings {

    // The home of every default and hard lower bound; the component's metatype takes its defaults from here.
    // The *_SECONDS values are compile-time constants so that annotation defaults can refer to them.
    public static final int DEFAULT_SAS_LIFETIME_SECONDS = 3600;
    public static final Duration DEFAULT_SAS_LIFETIME = Duration.ofSeconds(DEFAULT_SAS_LIFETIME_SECONDS);
    /** A shorter token could expire before the registration ends. */
    public static final int MIN_SAS_LIFETIME_SECONDS = 60;
    public static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(DEFAULT_RESPONSE_TIMEOUT_SECONDS);
    public static final int DEFAULT_OVERALL_DEADLINE_SECONDS = 600;
    public static final Duration DEFAULT_OVERALL_DEADLINE = Duration.ofSeconds(DEFAULT_OVERALL_DEADLINE_SECONDS);
    public static final int DEFAULT_MAX_RETRY_AFTER_SECONDS = 300;
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(DEFAULT_MAX_RETRY_AFTER_SECONDS);
    /** Shortest wait ever honoured: a retry-after of 0 must not turn into a tight loop. */
    public static final int MIN_RETRY_AFTER_SECONDS = 1;
    public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(MIN_RETRY_AFTER_SECONDS);
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    public static final int DEFAULT_BACKOFF_MAX_SECONDS = 120;
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(DEFAULT_BACKOFF_MAX_SECONDS);

    static final int MAX_REGISTRATION_ID_LENGTH = 128;
    /** A DPS id scope is "0ne" followed by eight characters, e.g. 0ne00000A0A. */
    private static final Pattern ID_SCOPE = Pattern.compile("0ne[0-9A-Za-z]{8}");
    private static final Pattern REGISTRATION_ID = Pattern.compile("[a-z0-9._:-]+");

    private final String idScope;
    private final String registrationId;
    private final String apiVersion;
    private final String userAgent;
    private final Credentials credentials;
    private final String customPayloadJson;
    private final String certificateSigningRequest;
    private final Duration sasLifetime;
    private final Duration responseTimeout;
    private final Duration overallDeadline;
    private final Duration maxRetryAfter;
    private final Duration backoffBase;
    private final Duration backoffMax;

    private RegistrationSettings(Builder builder) {
        this.idScope = builder.idScope;
        this.registrationId = builder.registrationId;
        this.apiVersion = builder.apiVersion;
        this.userAgent = builder.userAgent;
        this.credentials = builder.credentials;
        this.customPayloadJson = builder.customPayloadJson;
        this.certificateSigningRequest = builder.certificateSigningRequest;
        this.sasLifetime = builder.sasLifetime;
        this.responseTimeout = builder.responseTimeout;
        this.overallDeadline = builder.overallDeadline;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.backoffBase = builder.backoffBase;
        this.backoffMax = builder.backoffMax;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * These settings with a csr (base64 DER PKCS#10), made per registration run; checked as {@link Builder#build()}
     * does, so the api-version must accept one.
     */
    public RegistrationSettings withCertificateSigningRequest(String base64Der) throws DpsProtocolException {
        return builder().idScope(idScope).registrationId(registrationId).apiVersion(apiVersion).userAgent(userAgent)
                .credentials(credentials).customPayloadJson(customPayloadJson).certificateSigningRequest(base64Der)
                .sasLifetime(sasLifetime).responseTimeout(responseTimeout).overallDeadline(overallDeadline)
                .maxRetryAfter(maxRetryAfter).backoffBase(backoffBase).backoffMax(backoffMax).build();
    }

    public String idScope() {
        return idScope;
    }

    public String registrationId() {
        return registrationId;
    }

    /**
     * What makes {@code candidate} unacceptable to DPS as a registration id, phrased to follow the value (e.g.
     * "may contain only ..."); empty when it is acceptable.
     */
    public static Optional<String> registrationIdProblem(String candidate) {
        if (candidate == null || candidate.isEmpty()) {
            return Optional.of("is empty");
        }
        if (candidate.length() > MAX_REGISTRATION_ID_LENGTH) {
            return Optional.of("has " + candidate.length() + " characters; at most " + MAX_REGISTRATION_ID_LENGTH
                    + " are allowed");
        }
        if (!REGISTRATION_ID.matcher(candidate).matches()) {
            return Optional.of("may contain only lowercase letters, digits and - . _ :");
        }
        return Optional.empty();
    }

    public String apiVersion() {
        return apiVersion;
    }

    /** The user agent sent as {@code &ClientVersion=}, or null to send none. */
    public String userAgent() {
        return userAgent;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** Custom allocation data sent as {@code payload} (a JSON object), or null. */
    public String customPayloadJson() {
        return customPayloadJson;
    }

    /** Base64 DER PKCS#10 request sent as {@code csr} (preview api-versions only), or null. */
    public String certificateSigningRequest() {
        return certificateSigningRequest;
    }

    public Duration sasLifetime() {
        return sasLifetime;
    }

    public Duration responseTimeout() {
        return responseTimeout;
    }

    public Duration overallDeadline() {
        return overallDeadline;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    public Duration backoffBase() {
        return backoffBase;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    @Override
    public String toString() {
        return "RegistrationSettings[idScope=" + idScope + ", registrationId=" + registrationId + ", apiVersion="
                + apiVersion + ", userAgent=" + userAgent + ", credentials=" + credentials + ", customPayload="
                + (customPayloadJson == null ? "none" : customPayloadJson.length() + " chars") + ", csr="
                + (certificateSigningRequest == null ? "none" : "present") + ", sasLifetime=" + sasLifetime
                + ", responseTimeout=" + responseTimeout + ", overallDeadline=" + overallDeadline
                + ", maxRetryAfter=" + maxRetryAfter + ", backoff=" + backoffBase + ".." + backoffMax + "]";
    }

    /** Collects values; {@link #build()} checks them all and names the first bad field. */
    public static final class Builder {
        private String idScope;
        private String registrationId;
        private String apiVersion = ApiVersions.DEFAULT;
        private String userAgent;
        private Credentials credentials;
        private String customPayloadJson;
        private String certificateSigningRequest;
        private Duration sasLifetime = DEFAULT_SAS_LIFETIME;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration overallDeadline = DEFAULT_OVERALL_DEADLINE;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;

        private Builder() {
        }

        public Builder idScope(String value) {
            this.idScope = value;
            return this;
        }

        public Builder registrationId(String value) {
            this.registrationId = value;
            return this;
        }

        public Builder apiVersion(String value) {
            this.apiVersion = value;
            return this;
        }

        public Builder userAgent(String value) {
            this.userAgent = value;
            return this;
        }

        public Builder credentials(Credentials value) {
            this.credentials = value;
            return this;
        }

        public Builder customPayloadJson(String value) {
            this.customPayloadJson = value;
            return this;
        }

        public Builder certificateSigningRequest(String base64Der) {
            this.certificateSigningRequest = base64Der;
            return this;
        }

        public Builder sasLifetime(Duration value) {
            this.sasLifetime = value;
            return this;
        }

        public Builder responseTimeout(Duration value) {
            this.responseTimeout = value;
            return this;
        }

        public Builder overallDeadline(Duration value) {
            this.overallDeadline = value;
            return this;
        }

        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = value;
            return this;
        }

        public Builder backoffBase(Duration value) {
            this.backoffBase = value;
            return this;
        }

        public Builder backoffMax(Duration value) {
            this.backoffMax = value;
            return this;
        }

        public RegistrationSettings build() throws DpsProtocolException {
            validateIdScope();
            validateRegistrationId();
            ApiVersions.validate(apiVersion);
            if (userAgent != null && userAgent.trim().isEmpty()) {
                userAgent = null;
            }
            if (credentials == null) {
                throw new DpsProtocolException(Field.CREDENTIALS, "missing (symmetric key, group key or X.509)");
            }
            if (customPayloadJson != null && customPayloadJson.trim().isEmpty()) {
                customPayloadJson = null;
            }
            if (customPayloadJson != null) {
                Bodies.requireJsonObject(customPayloadJson, Field.CUSTOM_PAYLOAD);
            }
            validateCertificateSigningRequest();
            requirePositive(sasLifetime, Field.SAS_LIFETIME);
            if (sasLifetime.getSeconds() < MIN_SAS_LIFETIME_SECONDS) {
                throw new DpsProtocolException(Field.SAS_LIFETIME, seconds(sasLifetime) + " is shorter than "
                        + MIN_SAS_LIFETIME_SECONDS + " s; the token would expire before the registration ends");
            }
            requirePositive(responseTimeout, Field.RESPONSE_TIMEOUT);
            requirePositive(overallDeadline, Field.OVERALL_DEADLINE);
            if (responseTimeout.compareTo(overallDeadline) > 0) {
                throw new DpsProtocolException(Field.RESPONSE_TIMEOUT, seconds(responseTimeout)
                        + " is longer than overallDeadline (" + seconds(overallDeadline) + ")");
            }
            requirePositive(maxRetryAfter, Field.MAX_RETRY_AFTER);
            if (maxRetryAfter.compareTo(MIN_RETRY_AFTER) < 0) {
                throw new DpsProtocolException(Field.MAX_RETRY_AFTER, "must be at least " + seconds(MIN_RETRY_AFTER)
                        + ", was " + seconds(maxRetryAfter));
            }
            requirePositive(backoffBase, Field.BACKOFF_BASE);
            requirePositive(backoffMax, Field.BACKOFF_MAX);
            if (backoffBase.compareTo(backoffMax) > 0) {
                throw new DpsProtocolException(Field.BACKOFF_BASE, seconds(backoffBase) + " exceeds backoffMax ("
                        + seconds(backoffMax) + ")");
            }
            return new RegistrationSettings(this);
        }

        private void validateIdScope() throws DpsProtocolException {
            if (idScope == null || idScope.trim().isEmpty()) {
                throw new DpsProtocolException(Field.ID_SCOPE, "missing (find it on the DPS overview page, e.g. 0ne00000A0A)");
            }
            idScope = idScope.trim();
            if (!ID_SCOPE.matcher(idScope).matches()) {
                throw new DpsProtocolException(Field.ID_SCOPE, "'" + idScope
                        + "' is not a DPS id scope ('0ne' followed by 8 letters or digits, e.g. 0ne00000A0A)");
            }
        }

        private void validateRegistrationId() throws DpsProtocolException {
            if (registrationId == null || registrationId.isEmpty()) {
                throw new DpsProtocolException(Field.REGISTRATION_ID, "missing");
            }
            Optional<String> problem = registrationIdProblem(registrationId);
            if (problem.isPresent()) {
                throw new DpsProtocolException(Field.REGISTRATION_ID, "'" + registrationId + "' " + problem.get());
            }
        }

        private void validateCertificateSigningRequest() throws DpsProtocolException {
            if (certificateSigningRequest == null || certificateSigningRequest.trim().isEmpty()) {
                certificateSigningRequest = null;
                return;
            }
            if (!ApiVersions.supportsCertificateSigningRequest(apiVersion)) {
                throw new DpsProtocolException(Field.CERTIFICATE_SIGNING_REQUEST, "api-version " + apiVersion
                        + " does not accept a csr; use " + ApiVersions.V2025_07_01_PREVIEW);
            }
            certificateSigningRequest = certificateSigningRequest.trim();
            try {
                Base64.getDecoder().decode(certificateSigningRequest);
            } catch (IllegalArgumentException e) {
                throw new DpsProtocolException(Field.CERTIFICATE_SIGNING_REQUEST,
                        "not base64 (expected base64 DER PKCS#10)");
            }
        }

        private static void requirePositive(Duration value, Field field) throws DpsProtocolException {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new DpsProtocolException(field, "must be a positive duration, was "
                        + (value == null ? "none" : seconds(value)));
            }
        }
    }

    /** A duration as people write it in a configuration: "30 s", "1.5 s". */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0)) + " s";
    }
}
