package io.kuradps.provisioning.protocol;

import org.junit.jupiter.api.Test;

import nl.jqno.equalsverifier.EqualsVerifier;

class EqualsContractTest {

    @Test
    void credentials() {
        EqualsVerifier.forClass(Credentials.class).withNonnullFields("type", "key").verify();
    }

    @Test
    void flowActions() {
        EqualsVerifier.forClass(FlowAction.Subscribe.class).withNonnullFields("filter").verify();
        EqualsVerifier.forClass(FlowAction.Publish.class).withNonnullFields("topic", "payload").verify();
        EqualsVerifier.forClass(FlowAction.ScheduleTimer.class).withNonnullFields("at").verify();
    }
}
