package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.protocol.ConnectFailure;

/** The failures the JDK's own validator raises, as a handshake would wrap them, told apart by their dates. */
class TlsFailuresTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void aServerCertificatePastItsValidityIsExpired() throws Exception {
        Instant now = Instant.now();
        Throwable failure = handshakeFailure(new TestCertificates("localhost", now.minus(DAY.multipliedBy(2)),
                now.minus(DAY)), null);
        assertThat(TlsFailures.classify(failure)).isEqualTo(ConnectFailure.TLS_CERTIFICATE_EXPIRED);
        assertThat(PahoConnection.classify(failure)).isEqualTo(ConnectFailure.TLS_CERTIFICATE_EXPIRED);
    }

    @Test
    void aServerCertificateBeforeItsValidityIsNotYetValid() throws Exception {
        Instant now = Instant.now();
        Throwable failure = handshakeFailure(new TestCertificates("localhost", now.plus(DAY),
                now.plus(DAY.multipliedBy(2))), null);
        assertThat(TlsFailures.classify(failure)).isEqualTo(ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    void anUntrustedServerCertificateIsAnyOtherTlsFailure() throws Exception {
        Throwable failure = handshakeFailure(new TestCertificates("localhost"), new TestCertificates("localhost").ca);
        assertThat(TlsFailures.classify(failure)).isEqualTo(ConnectFailure.TLS_HANDSHAKE);
    }

    @Test
    void theValidatorsReasonAloneIsEnough() {
        assertThat(TlsFailures.classify(new SSLHandshakeException("x").initCause(
                new CertPathValidatorException("validity check failed", null, null, -1, BasicReason.EXPIRED))))
                .isEqualTo(ConnectFailure.TLS_CERTIFICATE_EXPIRED);
        assertThat(TlsFailures.classify(new CertPathValidatorException("x", null, null, -1,
                BasicReason.NOT_YET_VALID))).isEqualTo(ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID);
        assertThat(TlsFailures.classify(new CertPathValidatorException("x", null, null, -1, BasicReason.REVOKED)))
                .as("not a date problem").isNull();
    }

    @Test
    void aFailureWithoutTlsInItIsNotOne() {
        assertThat(TlsFailures.classify(new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION,
                new ConnectException("Connection refused")))).isNull();
        assertThat(TlsFailures.classify(null)).isNull();
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        IOException first = new IOException("first");
        SSLHandshakeException second = new SSLHandshakeException("second");
        first.initCause(second);
        second.initCause(first);
        assertThat(TlsFailures.classify(first)).isEqualTo(ConnectFailure.TLS_HANDSHAKE);
    }

    /** What a TLS client's handshake fails with when its PKIX trust manager refuses the server's chain. */
    private static Throwable handshakeFailure(TestCertificates server, X509Certificate trusted) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", trusted == null ? server.ca : trusted);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(anchors);
        X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
        Throwable refused = catchThrowable(
                () -> trust.checkServerTrusted(new X509Certificate[] { server.server, server.ca }, "ECDHE_ECDSA"));
        assertThat(refused).as("the validator refuses the chain").isNotNull();
        return new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION,
                new SSLHandshakeException("PKIX path validation failed").initCause(refused));
    }
}
