package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssignmentStoreTest {

    private static final AssignmentStore.Key KEY =
            new AssignmentStore.Key("0ne00000001", "gateway-1", "global.azure-devices-provisioning.net");

    @TempDir
    Path dir;

    static Assignment assignment(String hub, Assignment.Source source) {
        return Assignment.builder().assignedHub(hub).deviceId("gateway-1").registrationId("gateway-1")
                .idScope("0ne00000001").substatus("initialAssignment").payloadJson("{\"tier\":\"gold\"}")
                .assignedAt(Instant.parse("2026-11-26T06:00:00Z")).source(source).build();
    }

    @Test
    void roundTripReturnsTheAssignmentMarkedAsCached() throws Exception {
        AssignmentStore store = new AssignmentStore(dir.resolve("data/assignment.json"));

        store.save(KEY, assignment("hub-a.azure-devices.net", Assignment.Source.DPS));

        assertThat(store.load(KEY)).contains(assignment("hub-a.azure-devices.net", Assignment.Source.CACHE));
    }

    @Test
    void theIssuedCertificatesDescriptionSurvivesTheRoundTrip() throws Exception {
        AssignmentStore store = new AssignmentStore(dir.resolve("assignment.json"));
        IssuedCertificate certificate = new IssuedCertificate("0A1B", Instant.parse("2026-12-26T06:00:00Z"),
                "DeviceKeystore", "kura-dps-device");

        store.save(KEY, assignment("hub-a.azure-devices.net", Assignment.Source.DPS).toBuilder()
                .certificate(certificate).build());

        assertThat(store.load(KEY).flatMap(Assignment::certificate)).contains(certificate);
        assertThat(new String(Files.readAllBytes(dir.resolve("assignment.json")), StandardCharsets.UTF_8))
                .contains("\"certificateSha256\" : \"0A1B\"");
    }

    @Test
    void missingFileMeansNoCache() {
        assertThat(new AssignmentStore(dir.resolve("assignment.json")).load(KEY)).isEmpty();
    }

    @Test
    void anotherConfigurationNeverReusesTheCache() throws Exception {
        AssignmentStore store = new AssignmentStore(dir.resolve("assignment.json"));
        store.save(KEY, assignment("hub-a.azure-devices.net", Assignment.Source.DPS));

        assertThat(store.load(new AssignmentStore.Key("0ne00000002", "gateway-1",
                "global.azure-devices-provisioning.net"))).isEmpty();
        assertThat(store.load(new AssignmentStore.Key("0ne00000001", "gateway-2",
                "global.azure-devices-provisioning.net"))).isEmpty();
        assertThat(store.load(new AssignmentStore.Key("0ne00000001", "gateway-1", "localhost"))).isEmpty();
    }

    @Test
    void corruptOrTruncatedFileIsIgnored() throws Exception {
        Path file = dir.resolve("assignment.json");
        AssignmentStore store = new AssignmentStore(file);
        store.save(KEY, assignment("hub-a.azure-devices.net", Assignment.Source.DPS));
        byte[] whole = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThat(store.load(KEY)).isEmpty();

        Files.write(file, "not json at all".getBytes(StandardCharsets.UTF_8));
        assertThat(store.load(KEY)).isEmpty();

        Files.write(file, "{\"format\":1,\"idScope\":\"0ne00000001\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.load(KEY)).isEmpty();
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("assignment.json");
        AssignmentStore store = new AssignmentStore(file);
        // A temporary file left by a crash mid-write must not disturb the next save.
        Files.writeString(dir.resolve("assignment.json.tmp"), "torn");
        store.save(KEY, assignment("hub-a.azure-devices.net", Assignment.Source.DPS));

        store.save(KEY, assignment("hub-b.azure-devices.net", Assignment.Source.DPS));

        assertThat(store.load(KEY)).map(Assignment::assignedHub).contains("hub-b.azure-devices.net");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("assignment.json");
        }
    }
}
