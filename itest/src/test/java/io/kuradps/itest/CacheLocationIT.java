package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/**
 * The cached assignment lives under Kura's data directory, which a Kura start leaves alone (it wipes the bundle
 * data area): an earlier version's cache in the bundle data area moves there on upgrade, and a SystemService that
 * appears after activation takes the cache with it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CacheLocationIT extends SystemServiceSupport {

    @Test
    public void anEarlierVersionsCacheInTheBundleDataAreaMovesUnderKurasDataDirectory() throws Exception {
        String key = enrollIndividual("gw-cache-upgrade", HUB_B);
        // What the version before this one wrote: the same record, in the bundle data area.
        File earlier = bundleDataFile();
        Files.write(earlier.toPath(), ("{\"format\":1,\"idScope\":\"" + simulator.idScope()
                + "\",\"registrationId\":\"gw-cache-upgrade\",\"endpoint\":\"127.0.0.1\",\"assignedHub\":\"" + HUB_A
                + "\",\"deviceId\":\"gw-cache-upgrade\",\"assignedAt\":\"2026-01-01T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8));
        Path kuraData = workDirectory.resolve("kura-data");
        register(new TestSystemService().dataDirectory(kuraData.toString()));

        // every-start: DPS is asked at once, so the test sees where the fresh assignment is written after the move.
        individual("gw-cache-upgrade", key).set("reprovision.policy", "every-start").applyTo(configurationAdmin);

        Event cached = awaitAssigned("gw-cache-upgrade");
        assertEquals("cache", cached.getProperty(SOURCE));
        assertEquals("the earlier version's hub", HUB_A, cached.getProperty(ASSIGNED_HUB));
        Event fresh = awaitAssigned("gw-cache-upgrade");
        assertEquals(HUB_B, fresh.getProperty(ASSIGNED_HUB));
        Path cache = KuraDataDirectory.assignmentCacheUnder(kuraData);
        Await.until("the fresh assignment is cached under Kura's data directory", STEP,
                () -> cacheHolds(cache, HUB_B));
        assertFalse("the bundle data area keeps no copy", earlier.exists());
    }

    @Test
    public void aSystemServiceAppearingAfterActivationTakesTheCache() throws Exception {
        String key = enrollIndividual("gw-cache-late", HUB_A);
        individual("gw-cache-late", key).applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned("gw-cache-late").getProperty(SOURCE));
        Path kuraData = workDirectory.resolve("kura-data-late");

        // Kura registers its SystemService early, but DS gives no order: here it comes after the component.
        register(new TestSystemService().dataDirectory(kuraData.toString()));

        Path cache = KuraDataDirectory.assignmentCacheUnder(kuraData);
        Await.until("the assignment is cached under the late SystemService's data directory", STEP,
                () -> cacheHolds(cache, HUB_A));
        assertEquals(HUB_A, awaitAssigned("gw-cache-late").getProperty(ASSIGNED_HUB));
        assertFalse("nothing left in the bundle data area", bundleDataFile().exists());
    }

    private static boolean cacheHolds(Path cache, String hub) {
        try {
            return Files.isRegularFile(cache)
                    && new String(Files.readAllBytes(cache), StandardCharsets.UTF_8).contains("\"" + hub + "\"");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private File bundleDataFile() {
        return KuraStack.provisioningBundle(context).getBundleContext().getDataFile("assignment.json");
    }
}
