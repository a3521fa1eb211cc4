package io.kuradps.provisioning.kura;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

import io.kuradps.provisioning.testing.ServiceReferences;

class KuraReferencesTest {

    private static final String TRANSPORT = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";

    @Test
    void aTargetSelectsTheTransportByItsPidWhileItHasNoRegistration() {
        assertThat(KuraReferences.selectsTransport(KuraReferences.target(TRANSPORT), null, TRANSPORT)).isTrue();
        assertThat(KuraReferences.selectsTransport(KuraReferences.target(TRANSPORT), null, TRANSPORT + "-2"))
                .isFalse();
    }

    @Test
    void aTargetIsMatchedAgainstTheTransportsRegistrationWhenThereIsOne() {
        String target = "(&(kura.service.pid=" + TRANSPORT + ")(broker-url=mqtts://*))";
        assertThat(KuraReferences.selectsTransport(target, registration("mqtts://hub:8883/"), TRANSPORT)).isTrue();
        assertThat(KuraReferences.selectsTransport(target, registration("wss://hub:443/"), TRANSPORT)).isFalse();
        assertThat(KuraReferences.selectsTransport(target, null, TRANSPORT))
                .as("the broker-url is not known without a registration").isFalse();
    }

    @Test
    void noTargetOrOneThatIsNoFilterSelectsNothing() {
        assertThat(KuraReferences.selectsTransport(null, null, TRANSPORT)).isFalse();
        assertThat(KuraReferences.selectsTransport("(kura.service.pid=" + TRANSPORT, null, TRANSPORT)).isFalse();
    }

    private static ServiceReference<?> registration(String brokerUrl) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("kura.service.pid", TRANSPORT);
        properties.put("broker-url", brokerUrl);
        return ServiceReferences.of(properties);
    }
}
