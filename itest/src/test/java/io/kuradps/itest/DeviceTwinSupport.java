package io.kuradps.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.eclipse.kura.configuration.ConfigurationService;
import org.junit.After;

import io.kuradps.simulator.Twin;

/**
 * The hub world with the device twin and methods' component ({@code io.kuradps.provisioning.DeviceTwin}), which
 * Kura seeds with its defaults like the bundle's other components: reported state and direct methods on, desired
 * Kura configuration off. Tests change its configuration through Kura's ConfigurationService as the web UI does;
 * after each it goes back to its defaults.
 */
public abstract class DeviceTwinSupport extends SimulatedHubSupport {

    /** The component's PID (bundle/README.md, "IoT Hub device features"). */
    protected static final String DEVICE_TWIN_PID = "io.kuradps.provisioning.DeviceTwin";

    @After
    public void deviceTwinDefaults() throws Exception {
        ConfigurationService configurationService = configurationService();
        if (configurationService.getConfigurableComponentPids().contains(DEVICE_TWIN_PID)) {
            configurationService.updateConfiguration(DEVICE_TWIN_PID, configurationService
                    .getDefaultComponentConfiguration(DEVICE_TWIN_PID).getConfigurationProperties(), false);
        }
        simulator.hub().faults().clear();
    }

    /** Sets these properties of the device twin's component, over its defaults. */
    protected void configureDeviceTwin(Map<String, Object> settings) throws Exception {
        Map<String, Object> properties = new HashMap<>(configurationService()
                .getDefaultComponentConfiguration(DEVICE_TWIN_PID).getConfigurationProperties());
        properties.putAll(settings);
        configurationService().updateConfiguration(DEVICE_TWIN_PID, properties, false);
    }

    /** The device's twin on its hub once it satisfies the condition; fails naming it after {@link #STEP}. */
    protected Twin awaitTwin(String deviceId, String what, Predicate<Twin> condition) throws InterruptedException {
        Duration timeout = STEP;
        return simulator.hub().awaitTwin(deviceId, condition, timeout).orElseThrow(() -> new AssertionError(
                "the twin of " + deviceId + " never showed " + what + " within " + timeout.getSeconds() + " s: "
                        + simulator.hub().twin(deviceId).document()));
    }

    /** The twin once the hub holds the gateway's provisioning state for this hub. */
    protected Twin awaitReportedState(String deviceId, String hub) throws InterruptedException {
        return awaitTwin(deviceId, "kuraDps.hub = " + hub,
                twin -> twin.hub().equals(hub) && twin.reportedAt("kuraDps", "hub").filter(hub::equals).isPresent());
    }

    /** Neither the key nor any SAS token or signature is in the text (a twin document, a method's answer). */
    protected static void assertNoSecret(String text, String key) {
        assertFalse("the key is in " + text, text.contains(key));
        for (String marker : new String[] { "SharedAccessSignature", "sig=", "skn=" }) {
            assertFalse(marker + " is in " + text, text.contains(marker));
        }
        assertTrue("there is something to check", !text.isEmpty());
    }
}
