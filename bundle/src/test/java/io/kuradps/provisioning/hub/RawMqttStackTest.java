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

    private final KuraFakes.Configurations configurations = new KuraFakes.Configurations();
    private final List<String> created = new ArrayList<>();
    /** Kura's RawMqttCloudConnectionFactory: the three configurations, the DataService's with its metatype defaults. */
    private final CloudConnectionFactory factory = (CloudConnectionFactory) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] { CloudConnectionFactory.class }, (p, m, a) -> {
                String endpoint = (String) a[0];
                created.add(endpoint);
                String suffix = endpoint.substring(RawMqttStack.ENDPOINT_PID.length());
                configurations.create(endpoint, null);
                configurations.create(RawMqttStack.DATA_SERVICE_PID + suffix, KuraFakes.dataServiceDefaults());
                configurations.create(TRANSPORT + suffix, null);
                return null;
            });

    @Test
    void theFactoryIsAskedForTheEndpointWhoseSuffixTheTransportCarries() throws Exception {
        RawMqttStack.create(factory, configurations.service, TRANSPORT);
        RawMqttStack.create(factory, configurations.service, TRANSPORT + "-hub2");

        assertThat(created).containsExactly("org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint",
                "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint-hub2");
    }

    /**
     * Kura's factory leaves the DataService with its metatype defaults: 1 message/s, no auto-connect (kura.md fact
     * 7). Right after creating the stack, before anything connects, the hub link writes its own settings there.
     */
    @Test
    void theDataServiceOfTheCreatedStackGetsTheHubLinksSettingsBeforeAnythingConnects() throws Exception {
        RawMqttStack.create(factory, configurations.service, TRANSPORT + "-hub2");

        KuraFakes.Update write = configurations.lastUpdate();
        assertThat(write.pid).isEqualTo(RawMqttStack.DATA_SERVICE_PID + "-hub2");
        assertThat(write.properties).containsEntry("connect.auto-on-startup", false)
                .containsEntry("enable.rate.limit", true).containsEntry("rate.limit.average", 100)
                .containsEntry("rate.limit.time.unit", "SECONDS").containsEntry("rate.limit.burst.size", 100);
        assertThat(write.snapshot).as("the transport's write takes the snapshot").isFalse();
        assertThat(configurations.tracked.get(RawMqttStack.DATA_SERVICE_PID + "-hub2"))
                .containsAllEntriesOf(RawMqttStack.DATA_SERVICE_SETTINGS);
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
        assertThatThrownBy(() -> RawMqttStack.create(null, configurations.service, TRANSPORT)).isInstanceOf(HubConfigurationException.class)
                .hasMessageContaining(HubConnectionConfig.RAW_MQTT_FACTORY_PID).hasMessageContaining("not registered");
    }
}
