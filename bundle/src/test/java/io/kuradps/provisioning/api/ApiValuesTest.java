package io.kuradps.provisioning.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ApiValuesTest {

    private static final Instant AT = Instant.parse("2026-11-26T07:00:00Z");

    private static Assignment.Builder complete() {
        return Assignment.builder().assignedHub("hub-a.azure-devices.net").deviceId("gateway-1")
                .registrationId("gateway-1").idScope("0ne00000001").assignedAt(AT).source(Assignment.Source.DPS);
    }

    @Test
    void assignmentNeedsItsIdentityAndTreatsEmptyOptionalsAsAbsent() {
        assertThatThrownBy(() -> complete().assignedHub("").build()).hasMessage("assignedHub is required");
        assertThatThrownBy(() -> complete().deviceId(null).build()).hasMessage("deviceId is required");
        assertThatThrownBy(() -> complete().source(null).build()).hasMessage("source");

        Assignment assignment = complete().substatus("").payloadJson("").build();
        assertThat(assignment.substatus()).isEmpty();
        assertThat(assignment.payloadJson()).isEmpty();
    }

    @Test
    void anIssuedCertificateIsAValueWithEveryPartRequiredAndTravelsWithTheAssignment() {
        IssuedCertificate certificate = new IssuedCertificate("AB12", AT.plusSeconds(3600), "DeviceKeystore", "dev");
        assertThatThrownBy(() -> new IssuedCertificate("", AT, "K", "a")).hasMessage("sha256Fingerprint is required");
        assertThatThrownBy(() -> new IssuedCertificate("AB", null, "K", "a")).hasMessage("notAfter is required");
        assertThatThrownBy(() -> new IssuedCertificate("AB", AT, null, "a")).hasMessage("keystoreServicePid is required");
        assertThatThrownBy(() -> new IssuedCertificate("AB", AT, "K", "")).hasMessage("alias is required");
        assertThat(certificate).isEqualTo(new IssuedCertificate("AB12", AT.plusSeconds(3600), "DeviceKeystore", "dev"))
                .isNotEqualTo(new IssuedCertificate("AB12", AT, "DeviceKeystore", "dev"))
                .hasSameHashCodeAs(new IssuedCertificate("AB12", AT.plusSeconds(3600), "DeviceKeystore", "dev"));
        assertThat(certificate.toString()).contains("sha256=AB12", "keystore=DeviceKeystore", "alias=dev");

        Assignment issued = complete().certificate(certificate).build();
        assertThat(issued.certificate()).contains(certificate);
        assertThat(issued.withSource(Assignment.Source.CACHE).certificate()).contains(certificate);
        assertThat(issued).isNotEqualTo(complete().build());
        assertThat(complete().build().certificate()).isEmpty();
        assertThat(issued.toString()).contains("certificate=IssuedCertificate[sha256=AB12");
    }

    @Test
    void assignmentIsAValue() {
        Assignment fresh = complete().payloadJson("{\"a\":1}").build();
        Assignment cached = fresh.withSource(Assignment.Source.CACHE);

        assertThat(cached).isNotEqualTo(fresh).isEqualTo(fresh.toBuilder().source(Assignment.Source.CACHE).build());
        assertThat(cached.hashCode()).isEqualTo(fresh.withSource(Assignment.Source.CACHE).hashCode());
        assertThat(cached.sameTarget(fresh)).isTrue();
        assertThat(cached.sameTarget(complete().deviceId("other").build())).isFalse();
        assertThat(cached.toString()).contains("hub=hub-a.azure-devices.net", "source=cache", "payload={\"a\":1}");
        assertThat(Assignment.Source.CACHE.propertyValue()).isEqualTo("cache");
    }

    @Test
    void statusSaysStateAssignmentFailureAndNextAttempt() {
        ProvisioningStatus idle = ProvisioningStatus.of(ProvisioningStatus.State.IDLE, null, AT);
        ProvisioningStatus retrying = ProvisioningStatus.failed(ProvisioningStatus.State.RETRYING, complete().build(),
                2, 429, "THROTTLED", AT.plusSeconds(3), AT);

        assertThat(idle.assignment()).isEmpty();
        assertThat(idle.errorCode()).isEmpty();
        assertThat(idle.toString()).contains("state=IDLE", "assignment: none");
        assertThat(retrying.retryAt()).contains(AT.plusSeconds(3));
        assertThat(retrying.toString()).contains("hub=hub-a.azure-devices.net", "attempt 2", "code=429",
                "next attempt at 2026-11-26T07:00:03Z");
        assertThat(retrying).isEqualTo(ProvisioningStatus.failed(ProvisioningStatus.State.RETRYING,
                complete().build(), 2, 429, "THROTTLED", AT.plusSeconds(3), AT)).isNotEqualTo(idle);
    }
}
