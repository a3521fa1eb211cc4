package io.kuradps.provisioning.transport;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

import javax.net.ssl.SSLException;

import io.kuradps.provisioning.protocol.ConnectFailure;

/**
 * Tells a TLS failure whose certificate is outside its validity, by the device clock, from any other: the first
 * heals once the clock is set, the others need a change of trust or endpoint. The JDK's validator reports the
 * dates as a CertificateExpiredException or CertificateNotYetValidException deep in the handshake failure's
 * cause chain, or as a CertPathValidatorException whose reason says so.
 */
public final class TlsFailures {

    /** Far deeper than any real cause chain; stops a chain that loops through more than one exception. */
    private static final int MAX_DEPTH = 32;

    private TlsFailures() {
    }

    /** The TLS kind of a connect failure, or null when the failure is not a TLS one. */
    public static ConnectFailure classify(Throwable failure) {
        ConnectFailure kind = null;
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException || hasReason(cause, BasicReason.EXPIRED)) {
                return ConnectFailure.TLS_CERTIFICATE_EXPIRED;
            }
            if (cause instanceof CertificateNotYetValidException || hasReason(cause, BasicReason.NOT_YET_VALID)) {
                return ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID;
            }
            if (cause instanceof SSLException || cause instanceof CertificateException) {
                kind = ConnectFailure.TLS_HANDSHAKE;
            }
        }
        return kind;
    }

    private static boolean hasReason(Throwable cause, BasicReason reason) {
        return cause instanceof CertPathValidatorException
                && ((CertPathValidatorException) cause).getReason() == reason;
    }
}
