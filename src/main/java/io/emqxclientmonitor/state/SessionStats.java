package io.emqxclientmonitor.state;

import java.time.Duration;

/** Durations of completed sessions of one client: count, shortest, longest, total (for the average). */
public final class SessionStats {
    private long completed;
    private long shortestMillis = Long.MAX_VALUE;
    private long longestMillis;
    private long totalMillis;

    void add(Duration session) {
        long millis = Math.max(0, session.toMillis());
        completed++;
        shortestMillis = Math.min(shortestMillis, millis);
        longestMillis = Math.max(longestMillis, millis);
        totalMillis += millis;
    }

    public long completed() {
        return completed;
    }

    public Duration shortest() {
        return completed == 0 ? null : Duration.ofMillis(shortestMillis);
    }

    public Duration longest() {
        return completed == 0 ? null : Duration.ofMillis(longestMillis);
    }

    public Duration average() {
        return completed == 0 ? null : Duration.ofMillis(totalMillis / completed);
    }

    void restore(long completed, long shortestMillis, long longestMillis, long totalMillis) {
        this.completed = completed;
        this.shortestMillis = shortestMillis;
        this.longestMillis = longestMillis;
        this.totalMillis = totalMillis;
    }

    long shortestMillisRaw() {
        return shortestMillis;
    }

    long longestMillisRaw() {
        return longestMillis;
    }

    long totalMillisRaw() {
        return totalMillis;
    }
}
