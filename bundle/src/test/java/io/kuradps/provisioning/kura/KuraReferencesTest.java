package io.kuradps.provisioning.kura;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

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
        return (ServiceReference<?>) Proxy.newProxyInstance(KuraReferencesTest.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperty":
                            return properties.get(args[0]);
                        case "getPropertyKeys":
                            return properties.keySet().toArray(new String[0]);
                        case "getProperties":
                            return new Hashtable<>(properties);
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
