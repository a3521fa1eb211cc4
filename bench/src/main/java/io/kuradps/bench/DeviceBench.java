package io.kuradps.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 10: the gateway as an IoT Hub device on loopback, each boot the runtime jar itself (its demo) with
 * {@code -Dkuradps.runtime.device.samples=N}, which, once the twin and kuraDps.status have been shown, times N
 * direct method round trips (the simulated hub's service side invokes {@code kuraDps.status} until its result is
 * there) and N reported patches (a {@code DeviceTwin.report} call until the hub holds the value), one at a time.
 */
final class DeviceBench {

    record Result(int boots, int samplesPerBoot, List<Double> methodRoundTripMs, List<Double> reportedPatchMs) {
    }

    static final int SAMPLES = 30;
    private static final Pattern TIMING = Pattern.compile("DEVICE_TIMING methodRoundTripMs=(\\S+) "
            + "reportedPatchMs=(\\S+)");

    private final Path root;
    private final Path work;

    DeviceBench(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    Result run(int boots) throws Exception {
        Path jar = HubBench.runtimeJar(root);
        List<Double> methods = new ArrayList<>();
        List<Double> patches = new ArrayList<>();
        for (int i = 0; i < boots; i++) {
            String output = HubBench.runToExit(HubBench.runtimeCommand(root, jar,
                    List.of("-Dkuradps.runtime.device.samples=" + SAMPLES), "--exit-after-first", "--timeout",
                    "120"), work);
            Matcher timing = TIMING.matcher(output);
            if (!timing.find()) {
                throw new IllegalStateException("the runtime printed no DEVICE_TIMING line:\n" + output);
            }
            List<Double> bootMethods = millis(timing.group(1));
            List<Double> bootPatches = millis(timing.group(2));
            methods.addAll(bootMethods);
            patches.addAll(bootPatches);
            System.out.printf("  boot %d: method round trip median %.1f ms, reported patch median %.1f ms%n", i,
                    Stats.of(bootMethods).median(), Stats.of(bootPatches).median());
        }
        return new Result(boots, SAMPLES, methods, patches);
    }

    private static List<Double> millis(String list) {
        List<Double> values = new ArrayList<>();
        for (String value : list.split(",")) {
            values.add(Double.parseDouble(value));
        }
        return values;
    }
}
