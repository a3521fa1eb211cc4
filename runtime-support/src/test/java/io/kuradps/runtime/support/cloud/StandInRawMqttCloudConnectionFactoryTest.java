package io.kuradps.runtime.support.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurationService;
import org.junit.jupiter.api.Test;

class StandInRawMqttCloudConnectionFactoryTest {

    /** A createFactoryConfiguration call. */
    static final class Created {
        final String factoryPid;
        final String pid;
        final Map<String, Object> properties;
        final boolean snapshot;

        Created(Object[] args) {
            this.factoryPid = (String) args[0];
            this.pid = (String) args[1];
            this.properties = cast(args[2]);
            this.snapshot = (Boolean) args[3];
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Object properties) {
            return (Map<String, Object>) properties;
        }
    }

    private final List<Created> created = new ArrayList<>();
    private final StandInRawMqttCloudConnectionFactory factory = new StandInRawMqttCloudConnectionFactory(
            (ConfigurationService) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { ConfigurationService.class }, (proxy, method, args) -> {
                        if (!method.getName().equals("createFactoryConfiguration")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        this.created.add(new Created(args));
                        return null;
                    }));

    @Test
    void defaultStackIsTheThreeDefaultPidsEachLayerTargetingTheNextAndOneSnapshot() throws Exception {
        this.factory.createConfiguration("org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint");

        assertThat(this.created).extracting(c -> c.factoryPid + " " + c.pid).containsExactly(
                "org.eclipse.kura.cloudconnection.raw.mqtt.cloud.RawMqttCloudEndpoint "
                        + "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint",
                "org.eclipse.kura.data.DataService org.eclipse.kura.cloudconnection.raw.mqtt.DataService",
                "org.eclipse.kura.core.data.transport.mqtt.MqttDataTransport "
                        + "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport");
        assertThat(this.created.get(0).properties).containsEntry("DataService.target",
                "(kura.service.pid=org.eclipse.kura.cloudconnection.raw.mqtt.DataService)")
                .containsEntry("kura.cloud.connection.factory.pid",
                        "org.eclipse.kura.cloudconnection.raw.mqtt.factory.RawMqttCloudConnectionFactory");
        assertThat(this.created.get(1).properties).containsEntry("DataTransportService.target",
                "(kura.service.pid=org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport)");
        assertThat(this.created.get(2).properties).isNull();
        assertThat(this.created).extracting(c -> c.snapshot).containsExactly(false, false, true);
    }

    @Test
    void suffixOfTheEndpointPidIsGivenToEachLayer() throws Exception {
        assertThat(this.factory.getStackComponentsPids("org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint-hub"))
                .containsExactly("org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint-hub",
                        "org.eclipse.kura.cloudconnection.raw.mqtt.DataService-hub",
                        "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport-hub");
    }

    @Test
    void pidOfAnotherStackIsRefusedNamingIt() {
        assertThatThrownBy(() -> this.factory.createConfiguration("org.eclipse.kura.cloud.CloudService"))
                .isInstanceOf(KuraException.class).hasMessageContaining("org.eclipse.kura.cloud.CloudService")
                .satisfies(e -> assertThat(((KuraException) e).getCode()).isEqualTo(KuraErrorCode.INVALID_PARAMETER));
        assertThat(this.created).isEmpty();
    }
}
