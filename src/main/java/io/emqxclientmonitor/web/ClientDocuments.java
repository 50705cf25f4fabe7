package io.emqxclientmonitor.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.emqxclientmonitor.config.ShardAssignment;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.state.BrokerHealth;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.state.EventRing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The documents of the JSON API ({@code /api/v1/clients}, {@code /api/v1/clients/{alias}}) and of
 * {@code check --json}, built from the tracker's views. Field names are snake_case (see {@link ApiJson}).
 */
public final class ClientDocuments {
    private ClientDocuments() {
    }

    /** {@code GET /api/v1/clients}: which shard answers, the brokers' poll status and every client it monitors. */
    public record ClientList(Instant generatedAt, Shard shard, List<BrokerStatus> brokers, List<Client> clients) {
    }

    /** This instance's share of the fleet (monitor.shard of monitor.total-shards; 0 of 1 when unsharded). */
    public record Shard(int shard, int totalShards) {
        static Shard of(ShardAssignment shards) {
            return new Shard(shards.shard(), shards.total());
        }
    }

    /**
     * @param lastError the reason of the last poll when it failed, else null
     */
    public record BrokerStatus(String broker, boolean up, Instant lastSuccessfulPoll, Double secondsSinceLastSuccessfulPoll,
                               String lastError, int monitoredClients) {
    }

    /**
     * One client. {@code state}: connected; disconnected (EMQX keeps its session); absent (EMQX does not list it);
     * unknown (no successful poll of its broker yet). Counters are EMQX's, by EMQX's names, kept monotonic across
     * reconnects and restarts. {@code recent_events} only in the detail document. {@code source}: {@code config}
     * (listed in the configuration) or {@code pattern} (matched by the broker's pattern).
     */
    public record Client(String broker, String alias, String clientId, String source, String state, Emqx emqx,
                         Map<String, Long> counters, Diagnostics diagnostics, Staleness staleness,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<Event> recentEvents) {
    }

    /** What EMQX said last (kept while the client is offline or absent). */
    public record Emqx(Instant createdAt, Instant connectedAt, Instant disconnectedAt, Long keepalive,
                       Long subscriptions, Long inflight) {
    }

    public record Diagnostics(long connects, long disconnects, Instant lastConnect, Instant lastDisconnect,
                              Instant lastSeen, Double uptimeSeconds, Double offlineSeconds,
                              Double lastTimeToReconnectSeconds, long completedSessions,
                              Double shortestSessionSeconds, Double longestSessionSeconds,
                              Double averageSessionSeconds,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String lastDisconnectReason) {
    }

    public record Staleness(Instant lastSuccessfulPoll, Double secondsSince) {
    }

    /**
     * @param estimated       the time is the exporter's estimate (when a poll noticed it), not EMQX's timestamp
     * @param sessionSeconds  for a disconnect: how long the connection before it lasted
     * @param offlineSeconds  for a connect: how long the client was offline before it
     */
    public record Event(Instant at, String event, boolean estimated, Double sessionSeconds, Double offlineSeconds,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
    }

    public static ClientList list(ShardAssignment shards, List<BrokerState> brokers, List<ClientView> clients, Instant now) {
        List<BrokerStatus> statuses = new ArrayList<>();
        Map<String, BrokerHealth> health = new LinkedHashMap<>();
        for (BrokerState broker : brokers) {
            health.put(broker.alias(), broker.health());
            statuses.add(status(broker, now));
        }
        List<Client> documents = new ArrayList<>(clients.size());
        for (ClientView client : clients) {
            documents.add(client(client, health.get(client.broker()), now, false));
        }
        return new ClientList(now, Shard.of(shards), statuses, documents);
    }

    public static BrokerStatus status(BrokerState broker, Instant now) {
        BrokerHealth health = broker.health();
        PollFailure failure = health.up() ? null : health.lastFailure();
        return new BrokerStatus(broker.alias(), health.up(), health.lastSuccess(), secondsSince(health.lastSuccess(), now),
                failure == null ? null : failure.reason().label() + ": " + failure.message(), broker.clients().size());
    }

    public static Client client(ClientView c, BrokerHealth health, Instant now, boolean withEvents) {
        Instant lastPoll = health == null ? null : health.lastSuccess();
        boolean seen = c.seen();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (EmqxCounter counter : EmqxCounter.all()) {
            long value = c.counter(counter);
            counters.put(counter.jsonKey(), seen && value >= 0 ? value : null); // never a negative count
        }
        Emqx emqx = new Emqx(c.createdAt(), c.connectedAt(), c.disconnectedAt(), seen ? c.keepalive() : null,
                seen ? c.subscriptions() : null, seen ? c.inflight() : null);
        Diagnostics diagnostics = new Diagnostics(c.connects(), c.disconnects(), c.connectedAt(), c.lastDisconnect(),
                c.lastSeen(), seconds(c.uptime(now)), seconds(c.offlineFor(now)), seconds(c.lastReconnectGap()),
                c.completedSessions(), seconds(c.shortestSession()), seconds(c.longestSession()),
                seconds(c.averageSession()), c.lastDisconnectReason());
        return new Client(c.broker(), c.alias(), c.clientId(), c.source(), state(c), emqx, counters, diagnostics,
                new Staleness(lastPoll, secondsSince(lastPoll, now)), withEvents ? events(c.recentEvents()) : null);
    }

    public static String state(ClientView c) {
        return c.presence().name().toLowerCase(Locale.ROOT);
    }

    /** Oldest first, each with what it ended: a connection for a drop, an offline period for a connect. */
    static List<Event> events(List<EventRing.Event> ring) {
        List<Event> events = new ArrayList<>(ring.size());
        EventRing.Event previous = null;
        for (EventRing.Event e : ring) {
            boolean connect = e.kind() == EventRing.Kind.CONNECT;
            Double session = null;
            Double offline = null;
            if (previous != null && previous.kind() != e.kind() && !e.at().isBefore(previous.at())) {
                Duration between = Duration.between(previous.at(), e.at());
                if (connect && !between.isZero()) {
                    offline = seconds(between); // a zero gap is a takeover: the offline time is unknown
                } else if (!connect) {
                    session = seconds(between);
                }
            }
            events.add(new Event(e.at(), connect ? "connect" : "disconnect", e.estimated(), session, offline, e.reason()));
            previous = e;
        }
        return events;
    }

    private static Double secondsSince(Instant at, Instant now) {
        return at == null ? null : seconds(Duration.between(at, now));
    }

    static Double seconds(Duration duration) {
        return duration == null ? null : duration.toMillis() / 1000.0;
    }
}
