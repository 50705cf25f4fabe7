package io.emqxclientmonitor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything the exporter needs to know, validated. */
public record MonitorConfig(List<BrokerConfig> brokers, Duration pollInterval, MetricFlags flags,
                            Path stateFile, int eventRetention, ShardAssignment shards) {

    public MonitorConfig {
        brokers = List.copyOf(brokers);
        shards = shards == null ? ShardAssignment.UNSHARDED : shards;
    }

    /** An unsharded configuration. */
    public MonitorConfig(List<BrokerConfig> brokers, Duration pollInterval, MetricFlags flags, Path stateFile,
                         int eventRetention) {
        this(brokers, pollInterval, flags, stateFile, eventRetention, ShardAssignment.UNSHARDED);
    }

    public Optional<BrokerConfig> broker(String alias) {
        return brokers.stream().filter(b -> b.alias().equals(alias)).findFirst();
    }

    public MonitorConfig withBrokers(List<BrokerConfig> newBrokers) {
        return new MonitorConfig(newBrokers, pollInterval, flags, stateFile, eventRetention, shards);
    }
}
