package io.emqxclientmonitor.emqx;

import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

import java.util.concurrent.TimeUnit;

/**
 * The thread pool profile of the poll's split over brokers ({@code executorService: brokerPolls} in
 * routes/emqx-poll.yaml): at most one thread per broker, tasks handed over directly instead of queued, the first
 * thread kept and the others ended after a minute idle. Camel's default profile (10 core threads, each poll adding
 * one until there are ten) kept ten threads for a single broker.
 */
public final class BrokerPollThreads {
    public static final String PROFILE = "brokerPolls";

    private BrokerPollThreads() {
    }

    public static ThreadPoolProfile profile(int brokers) {
        return new ThreadPoolProfileBuilder(PROFILE)
                .poolSize(1)
                .maxPoolSize(Math.max(1, brokers))
                .maxQueueSize(0)
                .keepAliveTime(60L, TimeUnit.SECONDS)
                // a thread still on its way back from the last poll is not idle yet: the timer's thread polls then
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns)
                .build();
    }
}
