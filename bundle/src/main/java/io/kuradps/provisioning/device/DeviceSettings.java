package io.kuradps.provisioning.device;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import io.kuradps.provisioning.iothub.DesiredConfiguration;

/** The room's switches and allow-list, validated from {@link DeviceTwinConfig}. Immutable. */
final class DeviceSettings {

    static final String F_REPORTED_STATE = "reported.state";
    static final String F_DIRECT_METHODS = "direct.methods";
    static final String F_DESIRED_CONFIGURATION = "desired.configuration";
    static final String F_ALLOWED_PIDS = "desired.configuration.pids";

    /** What Kura's PIDs are made of (OSGi's symbolic-name characters); anything else is a typing error. */
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_.\\-]+");

    final boolean reportedState;
    final boolean directMethods;
    final boolean desiredConfiguration;
    final Set<String> allowedPids;

    private DeviceSettings(boolean reportedState, boolean directMethods, boolean desiredConfiguration,
            Set<String> allowedPids) {
        this.reportedState = reportedState;
        this.directMethods = directMethods;
        this.desiredConfiguration = desiredConfiguration;
        this.allowedPids = Collections.unmodifiableSet(allowedPids);
    }

    /** What the form's defaults give: used until a configuration is valid. */
    static DeviceSettings defaults() {
        return new DeviceSettings(true, true, false, Collections.<String>emptySet());
    }

    /** @throws IllegalArgumentException whose message starts with the property id at fault */
    static DeviceSettings from(DeviceTwinConfig config) {
        Set<String> pids = new LinkedHashSet<>();
        String list = config.desired_configuration_pids();
        for (String entry : list == null ? new String[0] : list.split(",")) {
            String pid = entry.trim();
            if (pid.isEmpty()) {
                continue;
            }
            if (!PID.matcher(pid).matches()) {
                throw new IllegalArgumentException(F_ALLOWED_PIDS + ": '" + pid + "' is not a PID (letters, digits, "
                        + "'.', '-' and '_'; separate PIDs with commas)");
            }
            if (pid.startsWith(DesiredConfiguration.OWN_PID_PREFIX)) {
                throw new IllegalArgumentException(F_ALLOWED_PIDS + ": " + pid + " is this bundle's own, which the "
                        + "twin never configures");
            }
            pids.add(pid);
        }
        return new DeviceSettings(config.reported_state(), config.direct_methods(), config.desired_configuration(),
                pids);
    }

    /** The part of the settings the desired configuration's decisions depend on. */
    boolean sameConfigurationPolicy(DeviceSettings other) {
        return desiredConfiguration == other.desiredConfiguration && allowedPids.equals(other.allowedPids);
    }

    @Override
    public String toString() {
        return "DeviceSettings[reportedState=" + reportedState + ", directMethods=" + directMethods
                + ", desiredConfiguration=" + desiredConfiguration + " " + allowedPids + "]";
    }
}
