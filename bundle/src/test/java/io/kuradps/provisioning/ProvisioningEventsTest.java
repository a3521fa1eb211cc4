package io.kuradps.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuradps.provisioning.api.ProvisioningEvents;
import org.junit.jupiter.api.Test;

class ProvisioningEventsTest {

    @Test
    void topicsFollowKuraConvention() {
        assertThat(ProvisioningEvents.TOPIC_ASSIGNED).isEqualTo("io/kuradps/provisioning/ProvisioningEvent/ASSIGNED");
    }
}
