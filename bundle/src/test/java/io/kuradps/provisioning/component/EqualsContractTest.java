package io.kuradps.provisioning.component;

import org.junit.jupiter.api.Test;

import nl.jqno.equalsverifier.EqualsVerifier;

/** The component's values compare by every field: equal identities restart nothing, and a cache key finds its record. */
class EqualsContractTest {

    @Test
    void registrationIdentity() {
        EqualsVerifier.forClass(RegistrationIdentity.class).verify();
    }

    @Test
    void certificateRequest() {
        EqualsVerifier.forClass(CertificateRequest.class).verify();
    }

    @Test
    void cacheKey() {
        EqualsVerifier.forClass(AssignmentStore.Key.class).withNonnullFields("idScope", "registrationId", "endpoint")
                .verify();
    }
}
