package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/** Everything one registration needs, validated as a whole when built. Immutable. */
public final class RegistrationSettings {

    public static final Duration DEFAULT_SAS_LIFETIME = Duration.ofHours(1);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_OVERALL_DEADLINE = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(300);
    /** Shortest wait ever honoured: a retry-after of 0 must not turn into a tight loop. */
    public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(100);

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
                throw new DpsProtocolException("credentials: missing (symmetric key, group key or X.509)");
            }
            if (customPayloadJson != null && customPayloadJson.trim().isEmpty()) {
                customPayloadJson = null;
            }
            if (customPayloadJson != null) {
                Bodies.requireJsonObject(customPayloadJson, "customPayloadJson");
            }
            validateCertificateSigningRequest();
            requirePositive(sasLifetime, "sasLifetime");
            if (sasLifetime.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new DpsProtocolException("sasLifetime: " + sasLifetime
                        + " is shorter than one minute; the token would expire before the registration ends");
            }
            requirePositive(responseTimeout, "responseTimeout");
            requirePositive(overallDeadline, "overallDeadline");
            if (responseTimeout.compareTo(overallDeadline) > 0) {
                throw new DpsProtocolException("responseTimeout: " + responseTimeout
                        + " is longer than overallDeadline " + overallDeadline);
            }
            requirePositive(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.compareTo(MIN_RETRY_AFTER) < 0) {
                throw new DpsProtocolException("maxRetryAfter: must be at least " + MIN_RETRY_AFTER);
            }
            requirePositive(backoffBase, "backoffBase");
            requirePositive(backoffMax, "backoffMax");
            if (backoffBase.compareTo(backoffMax) > 0) {
                throw new DpsProtocolException("backoffBase: " + backoffBase + " exceeds backoffMax " + backoffMax);
            }
            return new RegistrationSettings(this);
        }

        private void validateIdScope() throws DpsProtocolException {
            if (idScope == null || idScope.trim().isEmpty()) {
                throw new DpsProtocolException("idScope: missing (find it on the DPS overview page, e.g. 0ne00000A0A)");
            }
            idScope = idScope.trim();
            if (!ID_SCOPE.matcher(idScope).matches()) {
                throw new DpsProtocolException("idScope: '" + idScope
                        + "' is not a DPS id scope ('0ne' followed by 8 letters or digits, e.g. 0ne00000A0A)");
            }
        }

        private void validateRegistrationId() throws DpsProtocolException {
            if (registrationId == null || registrationId.isEmpty()) {
                throw new DpsProtocolException("registrationId: missing");
            }
            Optional<String> problem = registrationIdProblem(registrationId);
            if (problem.isPresent()) {
                throw new DpsProtocolException("registrationId: '" + registrationId + "' " + problem.get());
            }
        }

        private void validateCertificateSigningRequest() throws DpsProtocolException {
            if (certificateSigningRequest == null || certificateSigningRequest.trim().isEmpty()) {
                certificateSigningRequest = null;
                return;
            }
            if (!ApiVersions.supportsCertificateSigningRequest(apiVersion)) {
                throw new DpsProtocolException("certificateSigningRequest: api-version " + apiVersion
                        + " does not accept a csr; use " + ApiVersions.V2025_07_01_PREVIEW);
            }
            certificateSigningRequest = certificateSigningRequest.trim();
            try {
                Base64.getDecoder().decode(certificateSigningRequest);
            } catch (IllegalArgumentException e) {
                throw new DpsProtocolException("certificateSigningRequest: not base64 (expected base64 DER PKCS#10)");
            }
        }

        private static void requirePositive(Duration value, String field) throws DpsProtocolException {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new DpsProtocolException(field + ": must be a positive duration, was " + value);
            }
        }
    }
}
