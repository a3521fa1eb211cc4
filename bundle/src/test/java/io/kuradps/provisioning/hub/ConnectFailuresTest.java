package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;

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
    void anythingElseIsOther() {
        assertThat(ConnectFailures.classify(new KuraConnectException(
                new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR), "Cannot connect")).kind())
                        .isEqualTo(HubConnectException.Kind.OTHER);
        assertThat(ConnectFailures.classify(new IllegalStateException("Invalid client configuration")).getMessage())
                .isEqualTo("IllegalStateException: Invalid client configuration");
    }
}
