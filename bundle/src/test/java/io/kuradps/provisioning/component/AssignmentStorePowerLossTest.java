package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.api.Assignment;

/**
 * Power loss while the cached assignment is rewritten: a child JVM rewrites it in a loop with the real
 * {@link AssignmentStore} and is killed with SIGKILL ({@code destroyForcibly}) at a random moment, again and again.
 * After each kill the record read back must be whole: the last write the child reported, or a later one. The number
 * of kills is {@code -Dreliability.powerloss.kills}: 200 by default, as the reliability issue asks (about 60 s on the
 * 2-core build machine), 1,000 in the long profile.
 */
class AssignmentStorePowerLossTest {

    private static final int KILLS = Integer.getInteger("reliability.powerloss.kills", 200);

    @Test
    void everyKillLeavesTheOldOrTheNewRecordWhole(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("assignment.json");
        AssignmentStore reader = new AssignmentStore(file);
        Random random = new Random();
        long next = 0;
        long started = System.nanoTime();
        int killedMidWrite = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = rewriter(file, next);
            long lastReported = -1;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                // The moment of the kill: after a random number of completed writes (0 to 20), while later ones run.
                int writes = 1 + random.nextInt(21);
                for (int i = 0; i < writes; i++) {
                    String line = out.readLine();
                    assertThat(line).as("child output (it died early?)").isNotNull();
                    lastReported = Long.parseLong(line.trim());
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child ended").isTrue();
            }
            Optional<Assignment> read = reader.load(AssignmentRewriter.KEY);
            assertThat(read).as("record after kill %d", kill).isPresent();
            Assignment record = read.get();
            long n = Long.parseLong(record.deviceId().substring("dev-".length()));
            assertThat(n).as("the last reported write or a later one").isGreaterThanOrEqualTo(lastReported);
            assertThat(record).usingRecursiveComparison().ignoringFields("source")
                    .isEqualTo(AssignmentRewriter.record(n));
            if (n > lastReported) {
                killedMidWrite++;
            }
            next = n + 1;
        }
        // Figures for the report, not assertions.
        System.out.printf("power loss: %d kills in %.1f s; %d records newer than the last one reported%n", KILLS,
                (System.nanoTime() - started) / 1e9, killedMidWrite);
    }

    private static Process rewriter(Path file, long first) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), AssignmentRewriter.class.getName(),
                file.toString(), Long.toString(first));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.redirectInput(new File("/dev/null"));
        return builder.start();
    }
}
