package io.kuradps.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;

/** The command line of the gateway runtime. */
record RuntimeOptions(Optional<Path> config, boolean exitAfterFirst, Duration timeout, Optional<Path> storage) {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar kura-dps-runtime.jar [--config FILE] [--exit-after-first] [--timeout SECONDS] [--storage DIR]",
            "  (no --config)       start the built-in DPS simulator with a demo enrollment and provision against it",
            "  --config FILE       provision against the DPS the properties FILE names (see config/dps-real.properties)",
            "  --exit-after-first  exit after the first ASSIGNED (exit code 0) or FAILED (exit code 1) event",
            "  --timeout SECONDS   with --exit-after-first: give up after this long (exit code 3; default 900)",
            "  --storage DIR       Kura's data directory (kura.data), where the cached assignment is kept, in DIR",
            "                      across runs (the framework storage is wiped at every start, as on Kura);",
            "                      default: a temporary directory removed at exit");

    static RuntimeOptions parse(String... args) {
        Optional<Path> config = Optional.empty();
        Optional<Path> storage = Optional.empty();
        boolean exitAfterFirst = false;
        Duration timeout = Duration.ofSeconds(900);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
            case "--config" -> {
                Path file = Paths.get(value(args, ++i, "--config"));
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--config: no such file: " + file);
                }
                config = Optional.of(file);
            }
            case "--storage" -> storage = Optional.of(Paths.get(value(args, ++i, "--storage")));
            case "--exit-after-first" -> exitAfterFirst = true;
            case "--timeout" -> timeout = Duration.ofSeconds(seconds(value(args, ++i, "--timeout")));
            default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        return new RuntimeOptions(config, exitAfterFirst, timeout, storage);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static long seconds(String text) {
        try {
            long seconds = Long.parseLong(text);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException("--timeout: expected a positive number of seconds, got '" + text + "'");
    }
}
