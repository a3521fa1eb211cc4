package io.kuradps.itest;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.function.Function;

import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Kura's data directory, the one place on a gateway that a reboot leaves alone, as the SystemService names it;
 * and where in it the provisioning bundle keeps its cached assignment.
 */
public final class KuraDataDirectory {

    /** Under Kura's data directory: a folder of the bundle's own, and the cache file in it. */
    private static final String ASSIGNMENT_CACHE = "kura-dps/assignment.json";
    private static final Duration SYSTEM_SERVICE_WITHIN = Duration.ofSeconds(30);

    private KuraDataDirectory() {
    }

    /** What {@code SystemService.getKuraDataDirectory()} returns in this framework. */
    public static Path of(BundleContext context) throws InterruptedException {
        return Paths.get(fromSystemService(context, SystemService::getKuraDataDirectory));
    }

    /** Asks the framework's SystemService, waiting a bounded time for it to be registered. */
    public static <T> T fromSystemService(BundleContext context, Function<SystemService, T> question)
            throws InterruptedException {
        ServiceTracker<SystemService, SystemService> tracker = new ServiceTracker<>(context, SystemService.class, null);
        tracker.open();
        try {
            SystemService systemService = tracker.waitForService(SYSTEM_SERVICE_WITHIN.toMillis());
            assertNotNull("a SystemService is registered", systemService);
            return question.apply(systemService);
        } finally {
            tracker.close();
        }
    }

    public static Path assignmentCache(BundleContext context) throws InterruptedException {
        return assignmentCacheUnder(of(context));
    }

    /** Where the bundle keeps its cache under the Kura data directory {@code kuraData}. */
    public static Path assignmentCacheUnder(Path kuraData) {
        return kuraData.resolve(ASSIGNMENT_CACHE);
    }

    /** The cache file holds the assignment of {@code registrationId} to {@code hub}. */
    public static void assertCacheHolds(BundleContext context, String registrationId, String hub) throws Exception {
        Path cache = assignmentCache(context);
        assertTrue("no cached assignment at " + cache, Files.isRegularFile(cache));
        String text = new String(Files.readAllBytes(cache), StandardCharsets.UTF_8);
        assertTrue("cache file " + cache + ": " + text,
                text.contains("\"" + hub + "\"") && text.contains("\"" + registrationId + "\""));
    }
}
