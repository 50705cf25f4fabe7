package io.emqxclientmonitor.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which clients this instance watches when the fleet is split over {@code total} shards ({@code monitor.shard},
 * {@code monitor.total-shards}). A client belongs to exactly one shard:
 * <pre>
 *   shard(broker, clientId) = fmix64(fnv1a64(utf8(broker) ++ 0x00 ++ utf8(clientId))) mod total   (unsigned)
 * </pre>
 * {@code broker} is the broker's alias (the {@code broker} label), so every instance and every release agrees on
 * the owner without talking to the others. FNV-1a 64 is followed by MurmurHash3's 64-bit finaliser because FNV's
 * low bits alone mix poorly for ids that differ only in their last character and {@code mod total} reads low bits.
 * Not {@link String#hashCode()}: 32 bits over UTF-16 units, and ids of one naming scheme land on few residues;
 * this function is defined on the bytes, so another implementation (a script, a sidecar) can compute the same owner.
 */
public record ShardAssignment(int shard, int total) {
    public static final ShardAssignment UNSHARDED = new ShardAssignment(0, 1);
    /** More shards than this is a typo, not a fleet: 256 shards of 100,000 clients is 25 M clients. */
    public static final int MAX_TOTAL = 256;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    public ShardAssignment {
        if (total < 1 || total > MAX_TOTAL || shard < 0 || shard >= total) {
            throw new IllegalArgumentException("shard " + shard + " of " + total);
        }
    }

    public boolean sharded() {
        return total > 1;
    }

    /** Whether this instance watches {@code clientId} on the broker with this alias. */
    public boolean owns(String broker, String clientId) {
        return !sharded() || shardOf(broker, clientId, total) == shard;
    }

    /** The clients of {@code broker} this instance watches, in their order. */
    public List<MonitoredClient> keep(String broker, List<MonitoredClient> clients) {
        return sharded() ? clients.stream().filter(c -> owns(broker, c.clientId())).toList() : clients;
    }

    /** The shard, in 0..total-1, that owns {@code clientId} on {@code broker}. */
    public static int shardOf(String broker, String clientId, int total) {
        long h = FNV_OFFSET;
        h = fnv(h, broker.getBytes(StandardCharsets.UTF_8));
        h *= FNV_PRIME; // the 0x00 separator (h ^ 0 == h): ("ab", "c") and ("a", "bc") differ
        h = fnv(h, clientId.getBytes(StandardCharsets.UTF_8));
        return (int) Long.remainderUnsigned(fmix64(h), total);
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    @Override
    public String toString() {
        return "shard " + shard + " of " + total;
    }
}
