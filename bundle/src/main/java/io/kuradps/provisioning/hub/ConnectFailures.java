package io.kuradps.provisioning.hub;

import java.lang.reflect.Method;

import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.transport.TlsFailures;

/**
 * Tells how Kura's DataService failed to connect to the hub. Kura's MqttDataTransport throws a KuraConnectException
 * whose cause is Paho's MqttException, reason code 5 for the hub's CONNACK "not authorized". That Paho is Kura's own
 * private copy, not this bundle's, so the exception is recognised by class name and its reason code read by
 * reflection. TLS failures are told by the JDK's exception types in the cause chain. Messages carry exception
 * types, reason codes and messages, which hold no secret (Paho never puts the password in them).
 */
final class ConnectFailures {

    static final String PAHO_MQTT_EXCEPTION = "org.eclipse.paho.client.mqttv3.MqttException";
    /** MqttException.REASON_CODE_NOT_AUTHORIZED: CONNACK 5. */
    static final int NOT_AUTHORIZED = 5;
    private static final int MAX_DEPTH = 32;

    private ConnectFailures() {
    }

    static HubConnectException classify(Throwable failure) {
        ConnectFailure tls = TlsFailures.classify(failure);
        if (tls != null) {
            String clock = tls == ConnectFailure.TLS_HANDSHAKE ? ""
                    : " (a certificate is outside its validity by the device clock: is the clock set?)";
            return new HubConnectException(HubConnectException.Kind.TLS, describe(failure) + clock);
        }
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            Integer reason = pahoReasonCode(cause);
            if (reason != null && reason == NOT_AUTHORIZED) {
                return new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, describe(failure));
            }
        }
        return new HubConnectException(HubConnectException.Kind.OTHER, describe(failure));
    }

    /** Each exception of the chain as {@code Type[ (reason n)]: message}, joined by "; caused by ". */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (depth > 0) {
                text.append("; caused by ");
            }
            text.append(cause.getClass().getSimpleName());
            Integer reason = pahoReasonCode(cause);
            if (reason != null) {
                text.append(" (reason ").append(reason).append(')');
            }
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    /** The reason code of a Paho MqttException (or a subclass) of any class loader; null for anything else. */
    private static Integer pahoReasonCode(Throwable throwable) {
        for (Class<?> type = throwable.getClass(); type != null; type = type.getSuperclass()) {
            if (PAHO_MQTT_EXCEPTION.equals(type.getName())) {
                try {
                    Method method = type.getMethod("getReasonCode");
                    return (Integer) method.invoke(throwable);
                } catch (ReflectiveOperationException | ClassCastException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
