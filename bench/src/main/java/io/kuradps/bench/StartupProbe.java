package io.kuradps.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * One gateway boot, in its own JVM (started by {@link StartupBench}): Equinox with the gateway runtime's bundles
 * (feature/target/bundles) and its configuration path, every bundle started but ours, then ours, timed until
 * its first ASSIGNED event, in wall and in process CPU time. The framework storage is kept, so a second boot with the same directory finds the
 * cached assignment. Prints one line starting with {@value #RESULT}.
 *
 * <p>Arguments: bundle directory, runtime configuration file, framework storage directory.
 */
public final class StartupProbe {

    static final String RESULT = "STARTUP-PROBE";
    private static final String OURS = "io.kuradps.provisioning";
    private static final String TOPIC_ASSIGNED = "io/kuradps/provisioning/ProvisioningEvent/ASSIGNED";

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        Path bundles = Paths.get(args[0]);
        Map<String, String> properties = new HashMap<>();
        properties.put("org.osgi.framework.storage", args[2]);
        properties.put("org.osgi.framework.storage.clean", "none");
        properties.put("kuradps.runtime.config", args[1]);
        properties.put("gosh.args", "--nointeractive");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(properties);
        framework.init();
        BundleContext context = framework.getBundleContext();
        CompletableFuture<Long> assignedAt = new CompletableFuture<>();
        CompletableFuture<Object> source = new CompletableFuture<>();
        Hashtable<String, Object> listener = new Hashtable<>();
        listener.put("kuradps.runtime.outcome.listener", Boolean.TRUE);
        context.registerService(Consumer.class, (Consumer<Map<String, Object>>) event -> {
            if (TOPIC_ASSIGNED.equals(event.get("event.topics")) && assignedAt.complete(System.nanoTime())) {
                source.complete(event.get("source"));
            }
        }, listener);

        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(bundles)) {
            for (Path jar : jars.filter(path -> path.toString().endsWith(".jar")).sorted().toList()) {
                String location = jar.toUri().toString();
                Bundle existing = context.getBundle(location);
                installed.add(existing != null ? existing : context.installBundle(location));
            }
        }
        framework.start();
        Bundle ours = null;
        for (Bundle bundle : installed) {
            if (OURS.equals(bundle.getSymbolicName())) {
                ours = bundle;
            } else if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        if (ours == null) {
            throw new IllegalStateException(OURS + " is not in " + bundles);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        ours.start();
        long started = System.nanoTime();
        Long at = assignedAt.get(120, TimeUnit.SECONDS);
        long cpuAssigned = os.getProcessCpuTime();
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        // CPU up to the moment the count was read, just after ASSIGNED: every thread of the process, JIT and GC too.
        System.out.printf(java.util.Locale.ROOT,
                "%s startCallMs=%.1f startToAssignedMs=%.1f source=%s jvmUptimeMs=%d cpuMs=%.1f%n", RESULT,
                (started - start) / 1e6, (at - start) / 1e6, source.getNow("?"), uptime, (cpuAssigned - cpuStart) / 1e6);
        // Stopped explicitly so that the next boot on this storage does not start it before the timer does.
        ours.stop();
        framework.stop();
        framework.waitForStop(30_000);
        System.exit(0);
    }
}
