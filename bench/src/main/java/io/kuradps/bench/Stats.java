package io.kuradps.bench;

import java.util.Arrays;
import java.util.List;

/** Summary of a sample of durations in milliseconds. Percentiles by the nearest-rank method. */
record Stats(int count, double median, double p95, double min, double max) {

    static Stats of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Stats(sorted.length, percentile(sorted, 50), percentile(sorted, 95), sorted[0],
                sorted[sorted.length - 1]);
    }

    /** The smallest value such that at least p percent of the samples are at or below it. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
