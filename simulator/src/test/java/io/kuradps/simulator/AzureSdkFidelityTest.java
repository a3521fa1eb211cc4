package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProvider;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fidelity: the Azure IoT Java SDK (provisioning-device-client 2.1.3), a client nobody here wrote,
 * provisions against the simulator: symmetric key (individual, and group with the SDK's own key derivation)
 * and X.509 (group CA), each over MQTT and MQTT over WebSocket. The SDK only takes a host name and always uses ports 8883 (MQTT) and
 * 443 (MQTT over WebSocket), so this test needs those ports free on 127.0.0.1.
 */
class AzureSdkFidelityTest {

    private static final String ID_SCOPE = "0ne0000SDK1";
    private static final String DEVICE_KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    private static final String GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
    private static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        // The SDK deadlocks when an answer arrives right behind the PUBACK (its publish waits for the PUBACK
        // while holding the lock its message callback needs); real DPS takes longer than that to answer.
        simulator = DpsSimulator.builder().mqttPort(8883).webSocketPort(443).idScope(ID_SCOPE)
                .answerDelay(Duration.ofMillis(100))
                .enrollments(Enrollments.of(
                        Enrollment.individual("sdk-device-mqtt", Attestation.symmetricKey(DEVICE_KEY))
                                .withDeviceId("sdk-gateway-mqtt").withIotHubs("sdk-hub-1.azure-devices.net"),
                        Enrollment.individual("sdk-device-mqtt_ws", Attestation.symmetricKey(DEVICE_KEY))
                                .withDeviceId("sdk-gateway-mqtt_ws").withIotHubs("sdk-hub-1.azure-devices.net"),
                        Enrollment.group("sdk-fleet", Attestation.symmetricKey(GROUP_KEY))
                                .withIotHubs("sdk-hub-2.azure-devices.net"),
                        Enrollment.group("sdk-cameras", Attestation.x509BySimulatorCa())
                                .withIotHubs("sdk-hub-3.azure-devices.net")))
                .start();
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void individualEnrollmentGetsItsHubAndDeviceId(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String registrationId = "sdk-device-" + protocol.name().toLowerCase();
        ProvisioningDeviceClientRegistrationResult result = provision(protocol,
                new TrustingSymmetricKeyProvider(DEVICE_KEY, registrationId));

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo("sdk-hub-1.azure-devices.net");
        assertThat(result.getDeviceId()).isEqualTo("sdk-gateway-" + protocol.name().toLowerCase());
        assertThat(simulator.counters().count(registrationId, Counters.EventKind.REGISTER)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void groupEnrollmentDeviceUsesTheDerivedKey(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String registrationId = "sdk-fleet-member-" + protocol.name().toLowerCase().replace('_', '-');
        byte[] derived = SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
                GROUP_KEY.getBytes(StandardCharsets.UTF_8), registrationId);
        ProvisioningDeviceClientRegistrationResult result = provision(protocol,
                new TrustingSymmetricKeyProvider(new String(derived, StandardCharsets.UTF_8), registrationId));

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo("sdk-hub-2.azure-devices.net");
        assertThat(result.getDeviceId()).isEqualTo(registrationId);
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void x509GroupDeviceAuthenticatesWithItsCertificate(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String registrationId = "sdk-camera-" + protocol.name().toLowerCase().replace('_', '-');
        DeviceIdentity identity = simulator.issueDeviceCertificate(registrationId);
        ProvisioningDeviceClientRegistrationResult result = provision(protocol, new SecurityProviderX509() {
            @Override
            public String getClientCertificateCommonName() {
                return registrationId;
            }

            @Override
            public X509Certificate getClientCertificate() {
                return Pem.certificates(identity.certificatePem()).get(0);
            }

            @Override
            public Key getClientPrivateKey() {
                return Pem.privateKey(identity.privateKeyPem());
            }

            @Override
            public Collection<X509Certificate> getIntermediateCertificatesChain() {
                return List.of();
            }

            @Override
            public SSLContext getSSLContext() {
                return simulator.clientSslContext(identity);
            }
        });

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo("sdk-hub-3.azure-devices.net");
        assertThat(result.getDeviceId()).isEqualTo(registrationId);
    }

    private static ProvisioningDeviceClientRegistrationResult provision(
            ProvisioningDeviceClientTransportProtocol protocol, SecurityProvider security)
            throws Exception {
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create("localhost", ID_SCOPE, protocol, security);
        try {
            return client.registerDeviceSync(30); // seconds
        } catch (Exception e) {
            throw new AssertionError("SDK registration failed; simulator says: "
                    + simulator.counters().lastAuthenticationFailure(security.getRegistrationId()), e);
        } finally {
            client.close();
        }
    }

    /** The SDK's symmetric key provider, trusting the simulator's CA as the brief of the SDK intends. */
    private static final class TrustingSymmetricKeyProvider extends SecurityProviderSymmetricKey {
        TrustingSymmetricKeyProvider(String base64Key, String registrationId) {
            super(base64Key.getBytes(StandardCharsets.UTF_8), registrationId);
        }

        @Override
        public SSLContext getSSLContext() {
            return simulator.clientSslContext();
        }
    }
}
