package io.kuradps.provisioning.hub;

import java.io.EOFException;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.security.GeneralSecurityException;

import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.transport.TlsFailures;

/**
 * Tells how Kura's DataService failed to connect to the hub. Kura's MqttDataTransport throws a KuraConnectException
 * whose cause is Paho's MqttException: reason code 5 for the hub's CONNACK "not authorized", 3 for "server
 * unavailable". That Paho is Kura's own private copy, not this bundle's, so the exception is recognised by class name
 * and its reason code read by reflection. The rest is told by the JDK's exception types in the cause chain: Paho
 * wraps a refused TCP connect as reason 32103 around a {@link java.net.ConnectException}, a TLS handshake the hub cut
 * short as reason 0 around an SSLException caused by an {@link EOFException} or a {@link SocketException}
 * ("Connection reset"), a connection closed after CONNECT as 32109 around an EOFException; a certificate the JDK
 * refused leaves a {@link GeneralSecurityException} in the chain. A transport that holds no client configuration
 * throws an IllegalStateException "Invalid client configuration" (or "Invalid configuration"), wrapped by Kura
 * (MqttDataTransport.connect and setupMqttSession). Messages carry exception types, reason codes and messages,
 * which hold no secret (Paho never puts the password in them).
 */
final class ConnectFailures {

    static final String PAHO_MQTT_EXCEPTION = "org.eclipse.paho.client.mqttv3.MqttException";
    /** MqttException.REASON_CODE_NOT_AUTHORIZED: CONNACK 5. */
    static final int NOT_AUTHORIZED = 5;
    /** MqttException.REASON_CODE_BROKER_UNAVAILABLE: CONNACK 3. */
    static final int SERVER_UNAVAILABLE = 3;
    private static final int MAX_DEPTH = 32;
    /** The start of both messages of Kura's MqttDataTransport for a transport without a client configuration. */
    private static final String KURA_INVALID_CONFIGURATION = "Invalid c";

    private ConnectFailures() {
    }

    static HubConnectException classify(Throwable failure) {
        ConnectFailure tls = TlsFailures.classify(failure);
        if (tls != null && tls != ConnectFailure.TLS_HANDSHAKE) {
            return new HubConnectException(HubConnectException.Kind.TLS, describe(failure)
                    + " (a certificate is outside its validity by the device clock: is the clock set?)");
        }
        boolean cutShort = false;
        boolean certificate = false;
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            Integer reason = pahoReasonCode(cause);
            if (reason != null && reason == NOT_AUTHORIZED) {
                return new HubConnectException(HubConnectException.Kind.NOT_AUTHORIZED, describe(failure));
            }
            if (reason != null && reason == SERVER_UNAVAILABLE) {
                return new HubConnectException(HubConnectException.Kind.SERVER_UNAVAILABLE, describe(failure));
            }
            if (cause instanceof IllegalStateException && cause.getMessage() != null
                    && cause.getMessage().startsWith(KURA_INVALID_CONFIGURATION)) {
                return new HubConnectException(HubConnectException.Kind.TRANSPORT_INVALID, describe(failure));
            }
            // ConnectException is a SocketException: refused, like a reset or an end of stream before CONNACK.
            cutShort |= cause instanceof SocketException || cause instanceof EOFException;
            certificate |= cause instanceof GeneralSecurityException;
        }
        if (cutShort && !certificate) {
            return new HubConnectException(HubConnectException.Kind.CONNECTION_REFUSED, describe(failure));
        }
        return new HubConnectException(tls != null ? HubConnectException.Kind.TLS : HubConnectException.Kind.OTHER,
                describe(failure));
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
