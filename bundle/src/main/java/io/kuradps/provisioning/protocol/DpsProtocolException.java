package io.kuradps.provisioning.protocol;

import java.util.Optional;

/**
 * The only exception the protocol core throws for bad input, whether a configured value or bytes received from
 * the service. The message names the field or cause and never contains a secret. A problem with a configured value
 * carries its {@link Field}, so a caller can name the setting in its own terms without parsing the message.
 */
public final class DpsProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The {@link RegistrationSettings} value a problem belongs to. */
    public enum Field {
        ID_SCOPE("idScope"),
        REGISTRATION_ID("registrationId"),
        API_VERSION("apiVersion"),
        CREDENTIALS("credentials"),
        SYMMETRIC_KEY("symmetricKey"),
        GROUP_KEY("groupKey"),
        /** A key given to {@link SasTokens} directly. */
        DEVICE_KEY("deviceKey"),
        CUSTOM_PAYLOAD("customPayloadJson"),
        CERTIFICATE_SIGNING_REQUEST("certificateSigningRequest"),
        SAS_LIFETIME("sasLifetime"),
        RESPONSE_TIMEOUT("responseTimeout"),
        OVERALL_DEADLINE("overallDeadline"),
        MAX_RETRY_AFTER("maxRetryAfter"),
        BACKOFF_BASE("backoffBase"),
        BACKOFF_MAX("backoffMax");

        private final String settingName;

        Field(String settingName) {
            this.settingName = settingName;
        }

        /** The name of the {@link RegistrationSettings.Builder} method, as the message starts with it. */
        public String settingName() {
            return settingName;
        }
    }

    private final Field field;
    private final String problem;

    /** A problem with data received from the service (a topic, a body). */
    public DpsProtocolException(String message) {
        this(message, (Throwable) null);
    }

    public DpsProtocolException(String message, Throwable cause) {
        super(message, cause);
        this.field = null;
        this.problem = message;
    }

    /** A problem with a configured value; the message is {@code settingName: problem}. */
    public DpsProtocolException(Field field, String problem) {
        this(field, problem, null);
    }

    public DpsProtocolException(Field field, String problem, Throwable cause) {
        super(field.settingName() + ": " + problem, cause);
        this.field = field;
        this.problem = problem;
    }

    /** The configured value at fault; empty when the problem is in what the service sent. */
    public Optional<Field> field() {
        return Optional.ofNullable(field);
    }

    /** The message without the field name. */
    public String problem() {
        return problem;
    }
}
