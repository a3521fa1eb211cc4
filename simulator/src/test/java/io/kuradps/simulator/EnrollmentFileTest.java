package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EnrollmentFileTest {

    static Path sample() throws URISyntaxException {
        return Path.of(EnrollmentFileTest.class.getResource("/enrollments-sample.json").toURI());
    }

    @Test
    void sampleFileHoldsEveryKindOfEnrollment() throws Exception {
        Enrollments enrollments = Enrollments.fromJson(sample());
        assertThat(enrollments.idScope()).contains("0ne00000A0A");
        assertThat(enrollments.all()).hasSize(6);
        Enrollment gateway = enrollments.individual("gateway-001").orElseThrow();
        assertThat(gateway.deviceId()).isEqualTo("kura-gateway-001");
        assertThat(gateway.iotHubs()).containsExactly("contoso-hub-1.azure-devices.net");
        assertThat(enrollments.individual("gateway-002").orElseThrow().enabled()).isFalse();
        Enrollment fleet = enrollments.group("kura-fleet").orElseThrow();
        assertThat(fleet.allocationPolicy()).isEqualTo(AllocationPolicy.HASHED);
        assertThat(fleet.attestation().type()).isEqualTo(Attestation.Type.SYMMETRIC_KEY);
        assertThat(enrollments.individual("camera-001").orElseThrow().attestation().certificatePem()).isNull();
        assertThat(enrollments.group("x509-fleet").orElseThrow().allocationPolicy())
                .isEqualTo(AllocationPolicy.ROUND_ROBIN);
        assertThat(enrollments.individual("custom-001").orElseThrow().customAllocation()).isNotNull();
    }

    @Test
    void certificateIssuanceIsOffUnlessTheEnrollmentHasAPolicy() {
        Enrollments enrollments = Enrollments.fromJson("{\"enrollments\":["
                + "{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateIssuance\":true},"
                + "{\"registrationId\":\"b\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"}}]}");
        assertThat(enrollments.individual("a").orElseThrow().issuesCertificates()).isTrue();
        assertThat(enrollments.individual("b").orElseThrow().issuesCertificates()).isFalse();
        assertThat(enrollments.individual("a").orElseThrow().withEnabled(false).issuesCertificates()).isTrue();
        assertThat(enrollments.individual("a").orElseThrow().certificateValidityDays()).isNull();
    }

    @Test
    void aCredentialPolicyMayIssueForOneToNinetyDays() {
        Enrollments enrollments = Enrollments.fromJson("{\"enrollments\":[{\"registrationId\":\"a\","
                + "\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateIssuance\":true,\"certificateValidityDays\":90}]}");
        assertThat(enrollments.individual("a").orElseThrow().certificateValidityDays()).isEqualTo(90);
        Enrollment plain = Enrollment.individual("b", Attestation.symmetricKey("AAAA"));
        assertThat(plain.withCertificateValidityDays(1)).satisfies(e -> {
            assertThat(e.certificateValidityDays()).isEqualTo(1);
            assertThat(e.issuesCertificates()).isTrue();
        });
        assertThatThrownBy(() -> plain.withCertificateValidityDays(0)).hasMessage(
                "certificateValidityDays must be 1 to 90 days, as DPS's credential policies issue for, was 0");
        assertThatThrownBy(() -> plain.withCertificateValidityDays(91)).hasMessageContaining("was 91");
        assertThatThrownBy(() -> DpsSimulator.builder().issuedCertificateValidityDays(91))
                .hasMessageStartingWith("issuedCertificateValidityDays must be 1 to 90 days");
    }

    @Test
    void keysStayOutOfToString() throws Exception {
        Enrollments enrollments = Enrollments.fromJson(sample());
        for (Enrollment enrollment : enrollments.all()) {
            assertThat(enrollment.toString()).doesNotContain("NMgJDvdKTxjLi").doesNotContain("8isrFI1sGs");
        }
    }

    @Test
    void enrollmentsBuiltInCodeAreCheckedToo() {
        assertThatThrownBy(() -> Attestation.x509("not a certificate")).hasMessageContaining("certificate");
        assertThatThrownBy(() -> Attestation.symmetricKey("")).hasMessageContaining("primaryKey");
        assertThatThrownBy(() -> Enrollment.individual("UPPER case", Attestation.symmetricKey("AAAA")))
                .hasMessageContaining("registrationId");
        assertThatThrownBy(() -> Enrollment.group("g", Attestation.symmetricKey("AAAA"))
                .withAllocationPolicy(AllocationPolicy.CUSTOM)).hasMessageContaining("custom allocation");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"colour\":1}]}|enrollments[0] has unknown field 'colour'",
        "{\"enrollments\":[{\"symmetricKey\":{\"primaryKey\":\"AAAA\"}}]}|needs exactly one of registrationId",
        "{\"enrollments\":[{\"registrationId\":\"a\"}]}|needs exactly one attestation",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{}}]}|symmetricKey.primaryKey is missing",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"%%%\"}}]}|primaryKey is not valid base64",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"allocationPolicy\":\"geo\"}]}|allocationPolicy 'geo'",
        "{\"enrollments\":[{\"registrationId\":\"a b\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"}}]}|registrationId 'a b'",
        "{\"enrollments\":[{\"enrollmentGroupId\":\"g\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"deviceId\":\"d\"}]}|deviceId is for individual enrollments",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"iotHubs\":\"hub\"}]}|iotHubs must be an array",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"x509\":{\"certificate\":\"nope\"}}]}|x509.certificate",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"substatus\":\"moved\"}]}|substatus 'moved'",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateIssuance\":\"yes\"}]}|enrollments[0] (a).certificateIssuance must be true or false",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateIssuance\":true,\"certificateValidityDays\":120}]}|enrollments[0] (a).certificateValidityDays must be 1 to 90 days",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateIssuance\":true,\"certificateValidityDays\":1.5}]}|certificateValidityDays must be a whole number",
        "{\"enrollments\":[{\"registrationId\":\"a\",\"symmetricKey\":{\"primaryKey\":\"AAAA\"},\"certificateValidityDays\":7}]}|certificateValidityDays needs certificateIssuance: true",
        "{\"enrolments\":[]}|unknown field 'enrolments'",
        "[1,2]|must hold a JSON object",
        "{\"enrollments\":[}|not valid JSON"})
    void invalidContentIsRefusedNamingTheField(String json, String expected) {
        assertThatThrownBy(() -> Enrollments.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AAAA"));
    }
}
