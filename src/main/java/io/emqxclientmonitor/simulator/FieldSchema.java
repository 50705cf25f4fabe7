package io.emqxclientmonitor.simulator;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The client field names EMQX 5.6+ accepts in {@code GET /clients?fields=a,b,…} (its {@code fields(client)}
 * schema): {@code all} (the default) or a comma-separated list of names; an unknown name, an empty one or a mix
 * with {@code all} is a 400 {@code BAD_REQUEST}. Keys outside the schema ({@code enable_authn},
 * {@code is_persistent}, {@code listener}, {@code peerport}) come only with {@code all}. Thread-safe: a test may
 * {@link #forget} names to imitate a release whose schema lacks them.
 */
public final class FieldSchema {
    /** Every key, as without {@code fields=}. */
    static final Predicate<String> ALL = key -> true;

    private static final List<String> SCHEMA = List.of("clientid", "username", "node", "connected", "created_at",
            "connected_at", "disconnected_at", "keepalive", "expiry_interval", "clean_start", "proto_name", "proto_ver",
            "ip_address", "port", "is_bridge", "mountpoint", "peersni", "cn", "dn", "client_attrs", "subscriptions_cnt",
            "subscriptions_max", "inflight_cnt", "inflight_max", "mqueue_len", "mqueue_max", "awaiting_rel_cnt",
            "awaiting_rel_max", "heap_size", "mailbox_len", "reductions", "total_payload_bytes", "durable", "is_expired");

    private final Set<String> known = ConcurrentHashMap.newKeySet();

    FieldSchema() {
        known.addAll(SCHEMA);
        Arrays.stream(Counter.values()).map(Counter::jsonKey).forEach(known::add);
    }

    /** Refuses these names from now on, as an EMQX release without them in its schema would. */
    public FieldSchema forget(String... names) {
        Arrays.asList(names).forEach(known::remove);
        return this;
    }

    /** Accepts these names again (the broker was upgraded, or a proxy stopped refusing them). */
    public FieldSchema remember(String... names) {
        known.addAll(Arrays.asList(names));
        return this;
    }

    /**
     * The keys to write for a {@code fields} value (null when the parameter is absent).
     *
     * @throws BadRequestException for an unknown or empty name, or {@code all} among names
     */
    Predicate<String> parse(String value) throws BadRequestException {
        if (value == null || value.equals("all")) {
            return ALL;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : value.split(",", -1)) {
            if (!known.contains(name)) {
                throw new BadRequestException("fields: expected 'all' or a comma-separated list of client fields, "
                        + "unknown field: '" + name + "'");
            }
            names.add(name);
        }
        return Set.copyOf(names)::contains;
    }
}
