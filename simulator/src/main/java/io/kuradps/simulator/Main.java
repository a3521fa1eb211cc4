package io.kuradps.simulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar kura-dps-simulator-<version>.jar --config enrollments.json [--host A] [--mqtt-port N]
 * [--ws-port N] [--hub-port N] [--hub-ws-port N] [--hub-service-port N] [--ca-dir DIR] [--id-scope S]
 * [--polls N] [--retry-after S] [--throttle R] [--issued-validity-days D]}
 */
public final class Main {

    private static final String USAGE = "usage: java -jar kura-dps-simulator.jar --config enrollments.json"
            + " [--host 127.0.0.1] [--mqtt-port 8883] [--ws-port 443|-1] [--hub-port -1|0|N] [--hub-ws-port -1|0|N]"
            + " [--hub-service-port -1|0|N]"
            + " [--ca-dir DIR] [--id-scope SCOPE]"
            + " [--polls 1] [--retry-after 1] [--throttle REGISTRATIONS_PER_SECOND] [--issued-validity-days 1..90]";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        DpsSimulator simulator;
        try {
            simulator = configure(args).start();
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("kura-dps simulator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            System.out.println("DPS simulator stopped; " + simulator.counters()
                    + (simulator.hasHub() ? "; " + simulator.hub().counters() : ""));
            stopped.countDown();
        }, "dps-simulator-shutdown"));
        System.out.println("DPS simulator id scope " + simulator.idScope());
        System.out.println("  MQTT over TLS:       mqtts://" + simulator.host() + ":" + simulator.mqttPort());
        if (simulator.webSocketPort() >= 0) {
            System.out.println("  MQTT over WebSocket: wss://" + simulator.host() + ":" + simulator.webSocketPort()
                    + "/$iothub/websocket");
        }
        if (simulator.hasHub()) {
            HubSimulator hub = simulator.hub();
            System.out.println("  IoT hub MQTT:        mqtts://" + hub.host() + ":" + hub.mqttPort()
                    + " (every assigned hub, by TLS server name)");
            if (hub.webSocketPort() >= 0) {
                System.out.println("  IoT hub WebSocket:   wss://" + hub.host() + ":" + hub.webSocketPort()
                        + HubSimulator.WEBSOCKET_PATH);
            }
            if (hub.servicePort() >= 0) {
                System.out.println("  IoT hub service API: http://" + HubServiceApi.LOOPBACK + ":" + hub.servicePort()
                        + " (twins, direct methods, cloud-to-device messages; simulator/README.md)");
            }
        }
        System.out.println("  CA certificate:      " + simulator.caCertificateFile());
        System.out.println("  enrollments:         " + simulator.enrollments().all().size());
        System.out.println("Stop with Ctrl-C.");
        stopped.await();
    }

    static DpsSimulator.Builder configure(String[] args) {
        DpsSimulator.Builder builder = DpsSimulator.builder();
        boolean haveConfig = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("help requested");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--config" -> {
                    builder.enrollmentsFile(Path.of(value));
                    haveConfig = true;
                }
                case "--host" -> builder.host(value);
                case "--mqtt-port" -> builder.mqttPort(integer(option, value));
                case "--ws-port" -> builder.webSocketPort(integer(option, value));
                case "--hub-port" -> builder.hubPort(integer(option, value));
                case "--hub-ws-port" -> builder.hubWebSocketPort(integer(option, value));
                case "--hub-service-port" -> builder.hubServicePort(integer(option, value));
                case "--ca-dir" -> builder.caDirectory(Path.of(value));
                case "--id-scope" -> builder.idScope(value);
                case "--polls" -> builder.pollsBeforeAssignment(integer(option, value));
                case "--retry-after" -> builder.retryAfterSeconds(integer(option, value));
                case "--throttle" -> builder.throttle(number(option, value));
                case "--issued-validity-days" -> builder.issuedCertificateValidityDays(integer(option, value));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (!haveConfig) {
            throw new IllegalArgumentException("--config is required");
        }
        return builder;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'", e);
        }
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'", e);
        }
    }
}
