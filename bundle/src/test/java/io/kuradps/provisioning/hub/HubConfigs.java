package io.kuradps.provisioning.hub;

import io.kuradps.provisioning.testing.Configs;

/** The hub link's configuration the way DS builds it: the annotation's defaults, overridden by the given properties. */
final class HubConfigs {

    private HubConfigs() {
    }

    /** @param keyValues property ids (as in the metatype) and values, alternating */
    static HubConnectionConfig of(Object... keyValues) {
        return Configs.of(HubConnectionConfig.class, keyValues);
    }
}
