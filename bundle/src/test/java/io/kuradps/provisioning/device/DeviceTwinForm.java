package io.kuradps.provisioning.device;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.testing.FormValidation;

/** The device twin's form and {@link DeviceSettings}, for the metatype agreement test. */
public final class DeviceTwinForm implements FormValidation {

    @Override
    public String pid() {
        return DeviceTwinConfig.PID;
    }

    @Override
    public Class<? extends Annotation> form() {
        return DeviceTwinConfig.class;
    }

    /** Switches: any value of theirs is valid. */
    @Override
    public Set<String> unvalidated() {
        return new HashSet<>(Arrays.asList(DeviceSettings.F_REPORTED_STATE, DeviceSettings.F_DIRECT_METHODS,
                DeviceSettings.F_DESIRED_CONFIGURATION));
    }

    @Override
    public Map<String, Object> badValues() {
        return Collections.singletonMap(DeviceSettings.F_ALLOWED_PIDS, "org.eclipse.kura.clock.ClockService, a pid");
    }

    @Override
    public Optional<String> problem(Map<String, Object> properties) {
        try {
            DeviceSettings.from(Configs.of(DeviceTwinConfig.class, properties));
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return pid();
    }
}
