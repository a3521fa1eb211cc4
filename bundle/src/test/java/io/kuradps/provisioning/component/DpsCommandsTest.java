package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.kura.HubLinkStatus;

class DpsCommandsTest {

    @Test
    void statusEndsWithTheHubLinksLine() {
        DpsCommands commands = new DpsCommands();
        assertThat(commands.status()).endsWith("Hub link: not configured (PID io.kuradps.provisioning.HubConnection)");

        HubLinkStatus link = () -> "CONNECTED: hub h.azure-devices.net as gw-1";
        commands.setHubLink(link);
        assertThat(commands.status()).startsWith("The DPS provisioner is not configured")
                .endsWith("Hub link: CONNECTED: hub h.azure-devices.net as gw-1");

        commands.unsetHubLink(link);
        assertThat(commands.status()).contains("Hub link: not configured");
    }
}
