package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.hub.HubConnectionConfig.RENEWAL_PERCENT_MAX;
import static io.kuradps.provisioning.hub.HubConnectionConfig.RENEWAL_PERCENT_MIN;
import static io.kuradps.provisioning.hub.HubConnectionConfig.TOKEN_LIFETIME_MAX;
import static io.kuradps.provisioning.hub.HubConnectionConfig.TOKEN_LIFETIME_MIN;

import java.time.Duration;
import java.util.Objects;

import io.kuradps.provisioning.protocol.MqttTransport;

/**
 * The hub link's configuration, validated once. Immutable; a value, so that a configuration Kura writes again with
 * the same values (it does at every boot) is seen to change nothing.
 */
final class HubLinkSettings {

    static final String F_TRANSPORT_PID = "transport.service.pid";
    static final String F_TRANSPORT = "transport";
    static final String F_TOKEN_LIFETIME = "token.lifetime.seconds";
    static final String F_RENEWAL_PERCENT = "token.renewal.percent";
    static final String F_MODEL_ID = "model.id";

    final boolean enabled;
    final String transportPid;
    final boolean createStack;
    final MqttTransport transport;
    final TokenRenewal renewal;
    final String modelId;
    final boolean addAzureRoots;

    private HubLinkSettings(boolean enabled, String transportPid, boolean createStack, MqttTransport transport,
            TokenRenewal renewal, String modelId, boolean addAzureRoots) {
        this.enabled = enabled;
        this.transportPid = transportPid;
        this.createStack = createStack;
        this.transport = transport;
        this.renewal = renewal;
        this.modelId = modelId;
        this.addAzureRoots = addAzureRoots;
    }

    /** @throws HubConfigurationException naming the first wrong field (a disabled link is not validated) */
    static HubLinkSettings from(HubConnectionConfig raw) throws HubConfigurationException {
        if (!raw.enabled()) {
            return new HubLinkSettings(false, "", false, MqttTransport.MQTT, null, "", false);
        }
        String pid = trimmed(raw.transport_service_pid());
        if (pid.isEmpty()) {
            throw HubConfigurationException.invalid(F_TRANSPORT_PID, "is required");
        }
        MqttTransport transport;
        try {
            transport = MqttTransport.ofOption(trimmed(raw.transport()));
        } catch (IllegalArgumentException e) {
            throw HubConfigurationException.invalid(F_TRANSPORT, e.getMessage());
        }
        int lifetime = raw.token_lifetime_seconds();
        if (lifetime < TOKEN_LIFETIME_MIN || lifetime > TOKEN_LIFETIME_MAX) {
            throw HubConfigurationException.invalid(F_TOKEN_LIFETIME, lifetime + " s is outside " + TOKEN_LIFETIME_MIN
                    + ".." + TOKEN_LIFETIME_MAX + " s");
        }
        int percent = raw.token_renewal_percent();
        if (percent < RENEWAL_PERCENT_MIN || percent > RENEWAL_PERCENT_MAX) {
            throw HubConfigurationException.invalid(F_RENEWAL_PERCENT, percent + " % is outside " + RENEWAL_PERCENT_MIN
                    + ".." + RENEWAL_PERCENT_MAX + " %");
        }
        String modelId = trimmed(raw.model_id());
        if (!modelId.isEmpty() && !modelId.startsWith("dtmi:")) {
            throw HubConfigurationException.invalid(F_MODEL_ID, "'" + modelId + "' is not a DTMI (dtmi:...;version)");
        }
        return new HubLinkSettings(true, pid, raw.transport_create(), transport,
                new TokenRenewal(Duration.ofSeconds(lifetime), percent), modelId, raw.azure_root_cas());
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HubLinkSettings)) {
            return false;
        }
        HubLinkSettings that = (HubLinkSettings) o;
        return enabled == that.enabled && createStack == that.createStack && addAzureRoots == that.addAzureRoots
                && transportPid.equals(that.transportPid) && transport == that.transport
                && Objects.equals(renewal, that.renewal) && modelId.equals(that.modelId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, transportPid, createStack, transport, renewal, modelId, addAzureRoots);
    }

    @Override
    public String toString() {
        return enabled ? "HubLinkSettings[transportPid=" + transportPid + ", transport=" + transport + ", lifetime="
                + renewal.lifetime().getSeconds() + " s, modelId=" + modelId + "]" : "HubLinkSettings[enabled=false]";
    }
}
