package io.kuradps.runtime.support.cloud;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Kura's RawMqttCloudConnectionFactory (5.0) for a runtime without Kura: {@link #createConfiguration} creates,
 * through the ConfigurationService, the endpoint, DataService and MqttDataTransport of one raw MQTT stack, each
 * layer's reference target naming the next, and takes one snapshot. {@code ...CloudEndpoint} gives the default
 * PIDs of kura.md; {@code ...CloudEndpoint-<suffix>} gives each PID that suffix. The stand-in has no endpoint
 * component (the raw endpoint's API is not part of the stand-in API), so the endpoint is a configuration only and
 * {@link #getManagedCloudConnectionPids} answers from the ConfigurationService, where Kura asks the registered
 * endpoints.
 */
@Component(name = StandInRawMqttCloudConnectionFactory.FACTORY_PID, enabled = false,
        service = CloudConnectionFactory.class, property = {
                Constants.SERVICE_PID + "=" + StandInRawMqttCloudConnectionFactory.FACTORY_PID,
                "kura.ui.csf.pid.default=" + StandInRawMqttCloudConnectionFactory.CLOUD_ENDPOINT_PID,
                "kura.ui.csf.pid.regex=" + StandInRawMqttCloudConnectionFactory.CLOUD_ENDPOINT_PID_REGEX })
public final class StandInRawMqttCloudConnectionFactory implements CloudConnectionFactory {

    public static final String FACTORY_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.factory."
            + "RawMqttCloudConnectionFactory";
    public static final String CLOUD_ENDPOINT_FACTORY_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.cloud."
            + "RawMqttCloudEndpoint";
    public static final String CLOUD_ENDPOINT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint";
    public static final String DATA_SERVICE_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.DataService";
    public static final String DATA_TRANSPORT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";

    static final String CLOUD_ENDPOINT_PID_REGEX = "^org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint"
            + "(\\-[a-zA-Z0-9]+)?$";
    private static final Pattern MANAGED_PID = Pattern.compile(
            "^org\\.eclipse\\.kura\\.cloudconnection\\.raw\\.mqtt\\.CloudEndpoint(-[a-zA-Z0-9]+)?$");
    private static final String TARGET = "(" + ConfigurationService.KURA_SERVICE_PID + "=%s)";

    @Reference
    private ConfigurationService configurationService;

    /** For Declarative Services. */
    public StandInRawMqttCloudConnectionFactory() {
    }

    /** Without a framework. */
    StandInRawMqttCloudConnectionFactory(ConfigurationService configurationService) {
        this.configurationService = configurationService;
    }

    @Override
    public String getFactoryPid() {
        return CLOUD_ENDPOINT_FACTORY_PID;
    }

    @Override
    public void createConfiguration(String pid) throws KuraException {
        List<String> pids = getStackComponentsPids(pid);
        Map<String, Object> endpoint = new HashMap<>();
        endpoint.put("DataService.target", String.format(TARGET, pids.get(1)));
        endpoint.put(KURA_CLOUD_CONNECTION_FACTORY_PID, FACTORY_PID);
        this.configurationService.createFactoryConfiguration(CLOUD_ENDPOINT_FACTORY_PID, pid, endpoint, false);

        Map<String, Object> dataService = new HashMap<>();
        dataService.put("DataTransportService.target", String.format(TARGET, pids.get(2)));
        this.configurationService.createFactoryConfiguration(StandInDataService.FACTORY_PID, pids.get(1),
                dataService, false);

        this.configurationService.createFactoryConfiguration(StandInMqttDataTransport.FACTORY_PID, pids.get(2), null,
                true);
    }

    /** The endpoint, DataService and transport PIDs, in that order. */
    @Override
    public List<String> getStackComponentsPids(String pid) throws KuraException {
        String[] parts = pid == null ? new String[0] : pid.split("-");
        if (parts.length == 0 || !CLOUD_ENDPOINT_PID.equals(parts[0])) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "Invalid PID '" + pid + "'");
        }
        String suffix = parts.length > 1 ? "-" + parts[1] : "";
        return Arrays.asList(pid, DATA_SERVICE_PID + suffix, DATA_TRANSPORT_PID + suffix);
    }

    @Override
    public void deleteConfiguration(String pid) throws KuraException {
        List<String> pids;
        try {
            pids = getStackComponentsPids(pid);
        } catch (KuraException notOurs) {
            return;
        }
        this.configurationService.deleteFactoryConfiguration(pids.get(0), false);
        this.configurationService.deleteFactoryConfiguration(pids.get(1), false);
        this.configurationService.deleteFactoryConfiguration(pids.get(2), true);
    }

    @Override
    public Set<String> getManagedCloudConnectionPids() throws KuraException {
        Set<String> managed = new HashSet<>();
        for (String pid : this.configurationService.getConfigurableComponentPids()) {
            if (!MANAGED_PID.matcher(pid).matches()) {
                continue;
            }
            ComponentConfiguration configuration = this.configurationService.getComponentConfiguration(pid);
            Map<String, Object> properties = configuration == null ? null
                    : configuration.getConfigurationProperties();
            if (properties != null && FACTORY_PID.equals(properties.get(KURA_CLOUD_CONNECTION_FACTORY_PID))) {
                managed.add(pid);
            }
        }
        return managed;
    }
}
