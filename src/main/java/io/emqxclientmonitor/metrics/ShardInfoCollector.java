package io.emqxclientmonitor.metrics;

import io.emqxclientmonitor.config.ShardAssignment;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * {@code emqx_client_monitor_shard_info{shard="…",total_shards="…"} 1}: which share of the fleet this instance
 * watches ({@code shard="0",total_shards="1"} when unsharded). A metric of its own, so that build_info keeps its labels.
 */
public final class ShardInfoCollector extends InfoCollector {
    public static final String NAME = "emqx_client_monitor_shard_info";

    public ShardInfoCollector(ShardAssignment shards) {
        super("emqx_client_monitor_shard",
                "Which shard of the fleet this instance watches (monitor.shard of monitor.total-shards); always 1",
                Labels.of("shard", Integer.toString(shards.shard()), "total_shards", Integer.toString(shards.total())));
    }
}
