package io.kuradps.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Ends a run: stops the framework (deactivating the provisioning component), then the simulator, then removes
 * the work directory. Runs once, from whichever comes first: the end of main or the shutdown hook (Ctrl-C).
 */
final class RuntimeCleanup {

    private static final String EQUINOX_SHUTDOWN_HOOK = "Equinox Shutdown Hook";

    private final Path work;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile EmbeddedFramework framework;
    private volatile DemoDps demo;

    RuntimeCleanup(Path work) {
        this.work = work;
    }

    void stopAtEnd(EmbeddedFramework running) {
        this.framework = running;
    }

    void closeAtEnd(DemoDps started) {
        this.demo = started;
    }

    void run() {
        if (!this.done.compareAndSet(false, true)) {
            return;
        }
        try {
            if (this.framework != null) {
                this.framework.stop();
            }
        } catch (Exception e) {
            System.err.println("Stopping the framework failed: " + e);
        }
        if (this.demo != null) {
            this.demo.close();
        }
        awaitEquinoxStorageSave();
        try (Stream<Path> paths = Files.walk(this.work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not remove " + this.work + ": " + e.getMessage());
        }
        System.out.println(this.demo != null ? "Stopped the framework and the DPS simulator" : "Stopped the framework");
    }

    /**
     * On Ctrl-C, Equinox saves its storage from a shutdown hook of its own, concurrently with ours; deleting
     * the directory before that hook ends would let it write the storage back.
     */
    private static void awaitEquinoxStorageSave() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (EQUINOX_SHUTDOWN_HOOK.equals(thread.getName()) && thread != Thread.currentThread()) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
