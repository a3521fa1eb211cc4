package io.kuradps.provisioning.component;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.kuradps.provisioning.testing.Configs;

/** Builds {@link DpsProvisionerConfig} instances the way DS does: metatype defaults, overridden by properties. */
final class TestConfigs {

    /** A device key of the right size (32 random-looking bytes, base64). */
    static final String DEVICE_KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU=";

    private TestConfigs() {
    }

    /** An enabled, valid symmetric-key configuration with the given property overrides (ids as in the metatype). */
    static DpsProvisionerConfig valid(Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("enabled", true);
        properties.put("id.scope", "0ne00000001");
        properties.put("registration.id", "gateway-1");
        properties.put("symmetric.key", DEVICE_KEY);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return of(properties);
    }

    /** Property overrides followed by more of them, for {@link #valid(Object...)}. */
    static Object[] concat(Object[] first, Object... more) {
        Object[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    /** What an enabled configuration registers with; fails the test when it is invalid or disabled. */
    static ProvisioningConfig.Registration registration(DpsProvisionerConfig raw) throws InvalidConfigurationException {
        return ProvisioningConfig.from(raw, null).registration().orElseThrow(AssertionError::new);
    }

    static RegistrationIdentity identity(DpsProvisionerConfig raw) throws InvalidConfigurationException {
        return registration(raw).identity;
    }

    static DpsProvisionerConfig of(Map<String, Object> properties) {
        return Configs.of(DpsProvisionerConfig.class, properties);
    }
}
