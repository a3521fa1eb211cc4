package io.kuradps.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The hub link's reconnect after a hub outage, in simulated time ({@link HubReconnectSimulation}): a fleet of N =
 * 1,000, 10,000 and 50,000 gateways against a hub that admits 100 connects per second, and one gateway alone whose
 * hub was away for a moment, for each {@link ReconnectPolicy}.
 */
final class HubReconnectBench {

    static final long SEED = 20261219L;
    static final double RATE = 100;
    static final List<Integer> FLEETS = List.of(1_000, 10_000, 50_000);
    /** How long the single gateway's hub refuses connections: a blink, and a restart. */
    static final List<Duration> OUTAGES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(10));
    /** Single-gateway runs per policy and outage, each with its own seed (the draws differ, the hub does not). */
    static final int SINGLE_RUNS = 1_000;
    /** Far beyond any policy here: the previous one needs about 42 h for 50,000. */
    static final Duration HORIZON = Duration.ofDays(7);

    /** One policy and fleet size. */
    record FleetRow(HubReconnectSimulation.Result result, double wallSeconds) {

        ReconnectPolicy policy() {
            return result.policy();
        }

        int gateways() {
            return result.model().gateways();
        }

        double overFloor() {
            return result.makespanSeconds() / result.model().floorSeconds();
        }
    }

    /** One policy and outage for a gateway alone: time back over {@link #SINGLE_RUNS} draws. */
    record SingleRow(ReconnectPolicy policy, Duration outage, double medianSeconds, double maxSeconds,
            double attemptsPerRun) {
    }

    record Result(List<FleetRow> fleets, List<SingleRow> single) {
    }

    Result run() {
        List<FleetRow> fleets = new ArrayList<>();
        for (int gateways : FLEETS) {
            for (ReconnectPolicy policy : ReconnectPolicy.values()) {
                long began = System.nanoTime();
                HubReconnectSimulation.Result result = new HubReconnectSimulation(
                        HubReconnectSimulation.Model.fleet(gateways, RATE), policy).run(HORIZON);
                FleetRow row = new FleetRow(result, (System.nanoTime() - began) / 1e9);
                fleets.add(row);
                System.out.printf(Locale.ROOT, "  hub reconnect: %s, %d gateways at %.0f/s: all back after %.1f s "
                        + "(%.2f x floor), median %.1f s, %.2f attempts per gateway (max %d; %.1f s to simulate)%n",
                        policy.key(), gateways, RATE, result.makespanSeconds(), row.overFloor(),
                        result.medianSeconds(), result.attemptsPerGateway(), result.maxAttempts(), row.wallSeconds());
            }
        }
        List<SingleRow> single = new ArrayList<>();
        for (Duration outage : OUTAGES) {
            for (ReconnectPolicy policy : ReconnectPolicy.values()) {
                single.add(single(policy, outage));
            }
        }
        return new Result(fleets, single);
    }

    /** Section 9 of RESULTS.md, after its number: the model, the fleet table and the single-gateway table. */
    static String markdown(Result result) {
        StringBuilder out = new StringBuilder("The hub link's reconnect after a hub outage, in simulated time\n\n");
        out.append(String.format(Locale.ROOT, """
                A discrete-event simulation (`HubReconnectSimulation`), one thread: N gateways lose their IoT hub in \
                the same instant (t = 0: a hub restart or failover, the worst case) and come back under their \
                reconnect policy; the hub admits connects through the simulator's own `TokenBucket` at R = %.0f/s \
                with one second's worth of burst, starting full, and answers the excess with CONNACK 3 (server \
                unavailable), as IoT Hub throttles connects (S1: the larger of 100/s or 12/s per unit); a connect \
                takes %d ms. **ours** is the bundle's real `ReconnectBackoff`, the class `HubLink` schedules its \
                attempts with, its jitter drawn from one seeded sequence. Kura's side, from Kura 5.5's \
                `DataServiceImpl`: a DataService reconnects by itself only with `connect.auto-on-startup` on; the \
                raw MQTT stack the hub link uses has it off, so each attempt here is the hub link's \
                `DataService.connect()`, one MQTT CONNECT. **previous** is the hub link before issue 19 (5 s, \
                doubling to 5 min, no jitter), as a model. **kura-auto-connect** is Kura's own reconnect task \
                alone, with its default `connect.retry-interval` of 60 s: a first attempt after max(1, a random \
                integer below 12) s, then one every 60 s whatever the answer. Floor = N / R. Attempts = connects \
                per gateway, the successful one included. Simulated time and seeded draws: the figures do not \
                depend on the machine or the moment (`bench/run --only hub-reconnect` replaces this section alone).

                """, RATE, HubReconnectSimulation.CONNECT_TIME.toMillis()));
        List<List<String>> rows = new ArrayList<>();
        for (FleetRow row : result.fleets()) {
            HubReconnectSimulation.Result run = row.result();
            boolean all = !Double.isNaN(run.makespanSeconds());
            rows.add(List.of(String.format(Locale.ROOT, "%,d", row.gateways()), row.policy().key(),
                    all ? seconds(run.makespanSeconds()) : "not within " + HORIZON.toDays() + " days",
                    all ? Markdown.num(row.overFloor(), 2) : "-", seconds(run.medianSeconds()),
                    Markdown.num(run.model().floorSeconds(), 0) + " s", Markdown.num(run.attemptsPerGateway(), 2),
                    Integer.toString(run.maxAttempts()), Markdown.num(row.wallSeconds(), 1) + " s"));
        }
        out.append(Markdown.table(List.of("gateways", "policy", "all back after", "/ floor", "median gateway back at",
                "floor N / R", "attempts per gateway", "max attempts", "simulated in"), rows));
        out.append(String.format(Locale.ROOT, """

                One gateway alone whose hub drops it and then refuses connections (nothing accepts the TCP \
                connect) for a moment before it admits it again; %,d runs per row, each with its own draws:

                """, SINGLE_RUNS));
        List<List<String>> single = new ArrayList<>();
        for (SingleRow row : result.single()) {
            single.add(List.of(row.outage().toSeconds() + " s", row.policy().key(),
                    Markdown.num(row.medianSeconds(), 2) + " s", Markdown.num(row.maxSeconds(), 2) + " s",
                    Markdown.num(row.attemptsPerRun(), 2)));
        }
        out.append(Markdown.table(List.of("hub away for", "policy", "back after (median)", "back after (at most)",
                "attempts"), single));
        return out.append('\n').toString();
    }

    /** Seconds, with hours or minutes where they help. */
    private static String seconds(double value) {
        if (value >= 3600) {
            return String.format(Locale.ROOT, "%.0f s (%.1f h)", value, value / 3600);
        }
        return value >= 600 ? String.format(Locale.ROOT, "%.0f s (%.1f min)", value, value / 60)
                : Markdown.num(value, 1) + " s";
    }

    static SingleRow single(ReconnectPolicy policy, Duration outage) {
        double[] back = new double[SINGLE_RUNS];
        long attempts = 0;
        // Consecutive seeds would give java.util.Random nearly the same first draws: the seeds are drawn too.
        Random seeds = new Random(SEED);
        for (int run = 0; run < SINGLE_RUNS; run++) {
            HubReconnectSimulation.Result result = new HubReconnectSimulation(
                    new HubReconnectSimulation.Model(1, RATE, outage, seeds.nextLong()), policy).run(HORIZON);
            back[run] = result.makespanSeconds();
            attempts += result.attempts()[0];
        }
        Arrays.sort(back);
        SingleRow row = new SingleRow(policy, outage, Stats.percentile(back, 50), back[back.length - 1],
                (double) attempts / SINGLE_RUNS);
        System.out.printf(Locale.ROOT, "  hub reconnect: %s, one gateway, hub away %d s: back after %.2f s "
                + "(median; at most %.2f s), %.2f attempts%n", policy.key(), outage.toSeconds(), row.medianSeconds(),
                row.maxSeconds(), row.attemptsPerRun());
        return row;
    }
}
