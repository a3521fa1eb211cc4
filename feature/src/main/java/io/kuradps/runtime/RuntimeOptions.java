package io.kuradps.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** The command line of the gateway runtime. */
record RuntimeOptions(Optional<Path> config, boolean exitAfterFirst, Duration timeout, Optional<Path> storage,
        OptionalLong hubTokenLifetimeSeconds) {

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar kura-dps-runtime.jar [--config FILE] [--exit-after-first] [--timeout SECONDS] [--storage DIR]",
            "                                      [--hub-token-lifetime SECONDS]",
            "  (no --config)       start the built-in DPS simulator (with its IoT hub) and a demo enrollment, provision",
            "                      against it and send telemetry to the assigned hub",
            "  --config FILE       provision against the DPS the properties FILE names (see config/dps-real.properties)",
            "  --exit-after-first  with the hub link enabled: exit after the first CONNECTED line (with the built-in",
            "                      simulator: after its TWIN and METHOD lines) (exit code 0), or a FAILED, or the hub",
            "                      link's REFUSED, MISCONFIGURED or RETRYING event, or no TWIN or METHOD (exit code",
            "                      1); with it disabled: after the first ASSIGNED (0) or FAILED (1)",
            "  --timeout SECONDS   with --exit-after-first: give up after this long (exit code 3; default 900)",
            "  --storage DIR       Kura's data directory (kura.data), where the cached assignment is kept, in DIR",
            "                      across runs (the framework storage is wiped at every start, as on Kura);",
            "                      default: a temporary directory removed at exit",
            "  --hub-token-lifetime SECONDS  the hub link's token.lifetime.seconds: a token renewal (and its",
            "                      reconnect) every 85 % of it, each shown as a TOKEN_RENEWED line");

    static RuntimeOptions parse(String... args) {
        Optional<Path> config = Optional.empty();
        Optional<Path> storage = Optional.empty();
        boolean exitAfterFirst = false;
        Duration timeout = Duration.ofSeconds(900);
        OptionalLong hubTokenLifetime = OptionalLong.empty();
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
            case "--timeout" -> timeout = Duration.ofSeconds(seconds(value(args, ++i, "--timeout"), "--timeout"));
            // Its bounds are the hub link's metatype (HubConnectionConfig): out of them, seeding fails naming it.
            case "--hub-token-lifetime" -> hubTokenLifetime = OptionalLong.of(seconds(
                    value(args, ++i, "--hub-token-lifetime"), "--hub-token-lifetime"));
            default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        return new RuntimeOptions(config, exitAfterFirst, timeout, storage, hubTokenLifetime);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static long seconds(String text, String option) {
        try {
            long seconds = Long.parseLong(text);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException(option + ": expected a positive number of seconds, got '" + text + "'");
    }
}
