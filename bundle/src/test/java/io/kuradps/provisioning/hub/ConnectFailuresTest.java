package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.junit.jupiter.api.Test;

class ConnectFailuresTest {

    @Test
    void connack5InsideKurasConnectExceptionIsNotAuthorized() {
        HubConnectException failure = ConnectFailures.classify(
                new KuraConnectException(new MqttSecurityException(MqttException.REASON_CODE_NOT_AUTHORIZED),
                        "Cannot connect"));

        assertThat(failure.kind()).isEqualTo(HubConnectException.Kind.NOT_AUTHORIZED);
        assertThat(failure.getMessage()).contains("MqttSecurityException (reason 5)");
    }

    @Test
    void aHandshakeTheTrustStoreFailsIsTls() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertPathBuilderException("unable to find valid certification path"));
        MqttException paho = new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION, handshake);

        HubConnectException failure = ConnectFailures.classify(new KuraConnectException(paho, "Cannot connect"));

        assertThat(failure.kind()).isEqualTo(HubConnectException.Kind.TLS);
        assertThat(failure.getMessage()).contains("SSLHandshakeException: PKIX path building failed")
                .doesNotContain("clock");
    }

    @Test
    void anExpiredServerCertificateIsTlsAndPointsAtTheClock() {
        SSLHandshakeException handshake = new SSLHandshakeException("certificate expired");
        handshake.initCause(new CertificateExpiredException("NotAfter: 2020"));

        assertThat(ConnectFailures.classify(handshake).getMessage()).contains("clock");
    }

    @Test
    void aClientStillDisconnectingInsideKurasConnectExceptionIsClientClosing() {
        HubConnectException failure = ConnectFailures.classify(new KuraConnectException(
                new MqttException(MqttException.REASON_CODE_CLIENT_DISCONNECTING), "Cannot connect"));

        assertThat(failure.kind()).isEqualTo(HubConnectException.Kind.CLIENT_CLOSING);
        assertThat(failure.getMessage()).contains("MqttException (reason 32102)");
        assertThat(ConnectFailures.classify(new KuraConnectException(
                new MqttException(MqttException.REASON_CODE_CLIENT_CLOSED), "Cannot connect")).kind())
                .isEqualTo(HubConnectException.Kind.CLIENT_CLOSING);
    }

    @Test
    void connack3InsideKurasConnectExceptionIsServerUnavailable() {
        HubConnectException failure = ConnectFailures.classify(new KuraConnectException(
                new MqttException(MqttException.REASON_CODE_BROKER_UNAVAILABLE), "Cannot connect"));

        assertThat(failure.kind()).isEqualTo(HubConnectException.Kind.SERVER_UNAVAILABLE);
        assertThat(failure.getMessage()).contains("MqttException (reason 3)");
    }

    @Test
    void aRefusedTcpConnectIsConnectionRefused() {
        // Paho's TCPNetworkModule: a ConnectException becomes reason 32103 "Unable to connect to server".
        MqttException paho = new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR,
                new ConnectException("Connection refused"));

        HubConnectException failure = ConnectFailures.classify(new KuraConnectException(paho, "Cannot connect"));

        assertThat(failure.kind()).isEqualTo(HubConnectException.Kind.CONNECTION_REFUSED);
        assertThat(failure.getMessage()).contains("ConnectException: Connection refused");
    }

    @Test
    void aTlsHandshakeTheHubCutShortIsConnectionRefusedNotATrustProblem() {
        SSLHandshakeException terminated = new SSLHandshakeException("Remote host terminated the handshake");
        terminated.initCause(new EOFException("SSL peer shut down incorrectly"));
        SSLException reset = new SSLException("Connection reset", new SocketException("Connection reset"));

        assertThat(ConnectFailures.classify(new KuraConnectException(new MqttException(terminated), "x")).kind())
                .isEqualTo(HubConnectException.Kind.CONNECTION_REFUSED);
        assertThat(ConnectFailures.classify(new MqttException(reset)).kind())
                .isEqualTo(HubConnectException.Kind.CONNECTION_REFUSED);
        assertThat(ConnectFailures.classify(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST,
                new EOFException())).kind()).as("closed after CONNECT, before CONNACK")
                        .isEqualTo(HubConnectException.Kind.CONNECTION_REFUSED);
    }

    @Test
    void aCertificateInTheChainKeepsAClosedHandshakeATlsProblem() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertPathBuilderException("unable to find valid certification path",
                new EOFException("and a closed socket")));

        assertThat(ConnectFailures.classify(new MqttException(handshake)).kind())
                .isEqualTo(HubConnectException.Kind.TLS);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(ConnectFailures.classify(new KuraConnectException(
                new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR), "Cannot connect")).kind())
                        .isEqualTo(HubConnectException.Kind.OTHER);
        assertThat(ConnectFailures.classify(new IllegalStateException("Invalid client configuration")).getMessage())
                .isEqualTo("IllegalStateException: Invalid client configuration");
    }
}
