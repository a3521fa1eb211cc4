package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.junit.jupiter.api.Test;

class RawMqttStackTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;

    @Test
    void theFactoryIsAskedForTheEndpointWhoseSuffixTheTransportCarries() throws Exception {
        List<String> created = new ArrayList<>();
        CloudConnectionFactory factory = (CloudConnectionFactory) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] { CloudConnectionFactory.class }, (p, m, a) -> {
                    created.add((String) a[0]);
                    return null;
                });

        RawMqttStack.create(factory, TRANSPORT);
        RawMqttStack.create(factory, TRANSPORT + "-hub2");

        assertThat(created).containsExactly("org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint",
                "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint-hub2");
    }

    @Test
    void aTransportPidTheFactoryCannotMakeIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RawMqttStack.endpointPid("org.eclipse.kura.core.data.transport.mqtt.MqttDataTransport"))
                .isInstanceOf(HubConfigurationException.class).hasMessageStartingWith("transport.service.pid: ");
        assertThatThrownBy(() -> RawMqttStack.endpointPid(TRANSPORT + "-a.b"))
                .isInstanceOf(HubConfigurationException.class);
    }

    @Test
    void withoutTheFactoryTheMessageSaysWhatIsMissing() {
        assertThatThrownBy(() -> RawMqttStack.create(null, TRANSPORT)).isInstanceOf(HubConfigurationException.class)
                .hasMessageContaining(HubConnectionConfig.RAW_MQTT_FACTORY_PID).hasMessageContaining("not registered");
    }
}
