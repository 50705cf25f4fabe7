package io.emqxclientmonitor.config;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For any client ids and any number of shards: every client is owned by exactly one shard, always the same one,
 * and the shards get roughly equal shares.
 */
class ShardAssignmentProperties {
    @Property(tries = 300, seed = "20261203")
    void everyClientIsOwnedByExactlyOneShard(@ForAll @Size(max = 200) @UniqueElements List<@StringLength(max = 40) String> ids,
                                             @ForAll @StringLength(max = 20) String broker,
                                             @ForAll @IntRange(min = 1, max = 16) int total) {
        for (String id : ids) {
            int owners = 0;
            for (int shard = 0; shard < total; shard++) {
                if (new ShardAssignment(shard, total).owns(broker, id)) {
                    owners++;
                    assertEquals(shard, ShardAssignment.shardOf(broker, id, total), id);
                }
            }
            assertEquals(1, owners, "owners of '" + id + "' among " + total + " shards");
        }
    }

    @Property(tries = 200, seed = "20261203")
    void aPatternMatchIsWatchedByExactlyTheShardThatOwnsIt(@ForAll @Size(max = 100) @UniqueElements List<@StringLength(max = 30) String> suffixes,
                                                         @ForAll @IntRange(min = 1, max = 8) int total) {
        ClientPattern pattern = new ClientPattern("dev-", java.util.regex.Pattern.compile("^dev-(.+)$"), 10_000,
                java.time.Duration.ofDays(3));
        for (String suffix : suffixes) {
            String id = "dev-" + suffix;
            int watchers = 0;
            for (int shard = 0; shard < total; shard++) {
                if (pattern.ownedBy(new ShardAssignment(shard, total), "emqx").aliasOf(id) != null) {
                    watchers++;
                    assertEquals(shard, ShardAssignment.shardOf("emqx", id, total));
                }
            }
            assertEquals(pattern.aliasOf(id) == null ? 0 : 1, watchers, id);
        }
    }

    @Property(tries = 200, seed = "20261203")
    void theSameInputAlwaysGivesTheSameShard(@ForAll @StringLength(max = 60) String id, @ForAll String broker,
                                             @ForAll @IntRange(min = 1, max = 16) int total) {
        int first = ShardAssignment.shardOf(broker, id, total);
        assertEquals(first, ShardAssignment.shardOf(new String(broker), new String(id), total));
        assertTrue(first >= 0 && first < total);
    }

    /** Fleets are named by a scheme: sequential ids, differing only in their last characters, must still spread. */
    @Property(tries = 60, seed = "20261203")
    void sequentialFleetIdsAreRoughlyBalanced(@ForAll @IntRange(min = 2, max = 16) int total,
                                              @ForAll @StringLength(min = 1, max = 12) String prefix,
                                              @ForAll @IntRange(min = 0, max = 1_000_000) int start) {
        int clients = 4000;
        int[] counts = new int[total];
        for (int i = 0; i < clients; i++) {
            counts[ShardAssignment.shardOf("emqx", prefix + (start + i), total)]++;
        }
        double fair = (double) clients / total;
        for (int shard = 0; shard < total; shard++) {
            // binomial spread at 4000 clients is below 6 % of a share at 16 shards; 25 % means a broken hash
            assertTrue(Math.abs(counts[shard] - fair) < 0.25 * fair,
                    "shard " + shard + " of " + total + " got " + counts[shard] + " of " + clients + " (fair " + fair + ")");
        }
    }

    @Property(tries = 50, seed = "20261203")
    void keepingPreservesOrderAndTheSharesAddUpToTheWhole(@ForAll @Size(max = 100) @UniqueElements List<@StringLength(min = 1, max = 30) String> ids,
                                                          @ForAll @IntRange(min = 1, max = 16) int total) {
        List<MonitoredClient> clients = ids.stream().map(id -> new MonitoredClient("a-" + id, id)).toList();
        List<MonitoredClient> together = new ArrayList<>();
        for (int shard = 0; shard < total; shard++) {
            List<MonitoredClient> kept = new ShardAssignment(shard, total).keep("eu", clients);
            assertEquals(clients.stream().filter(kept::contains).toList(), kept, "order within shard " + shard);
            together.addAll(kept);
        }
        assertEquals(clients.size(), together.size());
        assertTrue(together.containsAll(clients));
    }
}
