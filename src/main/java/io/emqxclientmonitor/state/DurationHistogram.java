package io.emqxclientmonitor.state;

import java.time.Duration;
import java.util.Arrays;

/**
 * A Prometheus-style histogram of durations with fixed buckets that fit sleepy IoT devices: from a second to a
 * week. Counts are kept per bucket (not cumulative); the last slot counts what is above the largest bound.
 * Not thread-safe: {@link ClientState} guards it.
 */
public final class DurationHistogram {
    /** Upper bounds in seconds: 1 s, 5 s, 15 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 6 h, 12 h, 1 d, 3 d, 7 d. */
    private static final double[] BOUNDS_SECONDS = {1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400,
            259200, 604800};

    private final long[] counts = new long[BOUNDS_SECONDS.length + 1];
    private double sumSeconds;

    /** The finite upper bounds in seconds (+Inf is implied). */
    public static double[] boundsSeconds() {
        return BOUNDS_SECONDS.clone();
    }

    void observe(Duration duration) {
        double seconds = Math.max(0, duration.toMillis()) / 1000.0;
        int bucket = Arrays.binarySearch(BOUNDS_SECONDS, seconds);
        counts[bucket >= 0 ? bucket : -bucket - 1]++;
        sumSeconds += seconds;
    }

    Snapshot snapshot() {
        return new Snapshot(counts.clone(), sumSeconds);
    }

    /** Restores stored counts; ignored when they were made with other buckets. */
    boolean restore(double[] storedBounds, long[] storedCounts, double storedSum) {
        if (storedBounds == null || storedCounts == null || !Arrays.equals(storedBounds, BOUNDS_SECONDS)
                || storedCounts.length != counts.length) {
            return false;
        }
        System.arraycopy(storedCounts, 0, counts, 0, counts.length);
        sumSeconds = storedSum;
        return true;
    }

    /**
     * @param counts     observations per bucket, not cumulative, the last one above the largest bound
     * @param sumSeconds sum of all observations
     */
    public record Snapshot(long[] counts, double sumSeconds) {
        public static final Snapshot EMPTY = new Snapshot(new long[BOUNDS_SECONDS.length + 1], 0);

        public long count() {
            return Arrays.stream(counts).sum();
        }
    }
}
