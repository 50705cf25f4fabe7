package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.PollPlan;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One broker: its monitored clients (listed ones in configuration order, then those watched by pattern in the order
 * they were first matched), its health, and what earlier polls taught about how to query it. The client map is
 * replaced, never mutated, so readers need no lock.
 */
public final class BrokerState {
    static final int DEFAULT_MAX_REQUEST_LINE = 8000;
    static final int FULL_LIST_START_LIMIT = 10_000;
    /** After this many polls in full-list mode, try the filter again (EMQX may have been upgraded to 5.6+). */
    static final int POLLS_BETWEEN_FILTER_PROBES = io.emqxclientmonitor.emqx.PollPlan.POLLS_BETWEEN_PROBES;

    private final BrokerHealth health = new BrokerHealth();
    private final EventFeedStats eventFeed = new EventFeedStats();
    private final int eventRetention;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerState.class);
    private volatile BrokerConfig config;
    /** A pattern alias that another client has was logged (once per broker). */
    private boolean aliasClashReported;
    private volatile Map<String, ClientState> clients = Map.of();
    /** The ids in {@link #clients} watched by pattern; replaced together with it. */
    private volatile java.util.Set<String> patternIds = java.util.Set.of();
    private final PatternStats patternStats = new PatternStats();
    /** Who is watched (explicit list, pattern), as of the current configuration. */
    private io.emqxclientmonitor.emqx.WatchedClients watched;

    private volatile boolean fullList;
    private final io.emqxclientmonitor.emqx.FieldsParameter fields = new io.emqxclientmonitor.emqx.FieldsParameter();
    private int pollsSinceFilterProbe;
    private volatile int maxRequestLine;
    private volatile int fullListLimit = FULL_LIST_START_LIMIT;

    /** Clients removed from the configuration, kept with their history for a while in case they come back. */
    private final Map<String, Retired> retired = new LinkedHashMap<>();

    record Retired(ClientState state, Instant removedAt) {
    }

    BrokerState(BrokerConfig config, int eventRetention, int maxRequestLine) {
        this.eventRetention = eventRetention;
        this.maxRequestLine = maxRequestLine;
        reconfigure(config, Instant.EPOCH, Duration.ZERO);
    }

    /**
     * Keeps the state of clients still configured, adds new ones; removed ones lose their series at once but keep
     * their history for {@code retention}, so a client that comes back within it (a clients file restored after a
     * bad edit) continues where it was: same counters, no reset, no extra connect.
     */
    synchronized void reconfigure(BrokerConfig newConfig, Instant now, Duration retention) {
        io.emqxclientmonitor.emqx.WatchedClients watching = new io.emqxclientmonitor.emqx.WatchedClients(newConfig);
        Map<String, ClientState> next = new LinkedHashMap<>();
        for (MonitoredClient client : newConfig.clients()) {
            ClientState existing = clients.get(client.clientId());
            if (existing == null) {
                Retired back = retired.remove(client.clientId());
                existing = back == null ? null : back.state();
            }
            ClientState kept = existing != null && existing.client().equals(client)
                    ? existing : new ClientState(newConfig.alias(), client, eventRetention);
            kept.fromPattern(false); // listed now: the explicit entry wins, its history carries on
            next.put(client.clientId(), kept);
        }
        for (String id : patternIds) {
            ClientState byPattern = clients.get(id);
            if (!next.containsKey(id) && byPattern != null && watching.byPattern(id)) {
                next.put(id, byPattern);
            }
        }
        for (ClientState before : clients.values()) {
            if (!retention.isZero() && next.get(before.client().clientId()) != before) {
                retired.put(before.client().clientId(), new Retired(before, now));
            }
        }
        config = newConfig;
        watched = watching;
        publish(next);
        forgetRetiredBefore(now.minus(retention));
    }

    private void publish(Map<String, ClientState> next) {
        java.util.Set<String> byPattern = new java.util.HashSet<>();
        for (ClientState state : next.values()) {
            if (state.fromPattern()) {
                byPattern.add(state.client().clientId());
            }
        }
        patternIds = java.util.Collections.unmodifiableSet(byPattern);
        clients = next;
    }

    /**
     * Starts watching the pattern matches a poll took in (by client id, with aliases, in arrival order), as far as
     * {@code monitor.max-clients} allows; a client removed from the list that matches comes back with its history.
     */
    synchronized void admitPatternClients(Map<String, String> admitted, Instant now) {
        if (admitted.isEmpty()) {
            return;
        }
        Map<String, ClientState> next = new LinkedHashMap<>(clients);
        java.util.Set<String> aliases = aliasesOf(next);
        int watchedByPattern = patternIds.size();
        for (Map.Entry<String, String> match : admitted.entrySet()) {
            if (watchedByPattern >= config.pattern().maxClients()) {
                break;
            }
            if (next.containsKey(match.getKey())) {
                continue;
            }
            MonitoredClient client = new MonitoredClient(uniqueAlias(match.getValue(), match.getKey(), aliases), match.getKey());
            aliases.add(client.alias());
            Retired back = retired.remove(client.clientId());
            ClientState state = back != null && back.state().client().equals(client)
                    ? back.state() : new ClientState(config.alias(), client, eventRetention);
            state.fromPattern(true);
            state.listedAt(now);
            next.put(client.clientId(), state);
            watchedByPattern++;
        }
        publish(next);
    }

    private static java.util.Set<String> aliasesOf(Map<String, ClientState> clients) {
        java.util.Set<String> aliases = new java.util.HashSet<>();
        clients.values().forEach(state -> aliases.add(state.client().alias()));
        return aliases;
    }

    /**
     * The pattern's alias, unless another client of this broker has it already (a regex whose alias group is not
     * unique, or an explicit entry's alias): then the client id, so that an alias names one client here, as the
     * JSON API and the dashboards expect. Said once per broker.
     */
    private String uniqueAlias(String alias, String clientId, java.util.Set<String> taken) {
        if (!taken.contains(alias)) {
            return alias;
        }
        if (!aliasClashReported) {
            aliasClashReported = true;
            LOG.warn("broker {}: the pattern gives client {} the alias '{}', which another client has: it is watched with its "
                    + "client id as alias (make the pattern's alias group unique; further clashes are not logged)",
                    config.alias(), clientId, alias);
        }
        return clientId;
    }

    /** A client the state file remembers as matched by the pattern: watched again if it still matches and fits. */
    synchronized ClientState rememberPatternClient(MonitoredClient client, Instant listedAt) {
        MonitoredClient now = watched.watched(client.clientId());
        if (clients.containsKey(client.clientId()) || now == null || watched.isExplicit(client.clientId())
                || patternIds.size() >= config.pattern().maxClients()) {
            return null;
        }
        MonitoredClient unique = new MonitoredClient(uniqueAlias(now.alias(), now.clientId(), aliasesOf(clients)), now.clientId());
        ClientState state = new ClientState(config.alias(), unique, eventRetention);
        state.fromPattern(true);
        state.listedAt(listedAt);
        Map<String, ClientState> next = new LinkedHashMap<>(clients);
        next.put(now.clientId(), state);
        publish(next);
        return state;
    }

    /** Forgets the clients watched by pattern that EMQX has not listed since {@code cutoff}: their series go. */
    synchronized java.util.List<MonitoredClient> forgetPatternClientsListedBefore(Instant cutoff) {
        java.util.List<MonitoredClient> forgotten = new java.util.ArrayList<>();
        for (String id : patternIds) {
            ClientState state = clients.get(id);
            Instant listed = state.listedAt();
            if (listed == null || listed.isBefore(cutoff)) {
                forgotten.add(state.client());
            }
        }
        if (!forgotten.isEmpty()) {
            Map<String, ClientState> next = new LinkedHashMap<>(clients);
            forgotten.forEach(client -> next.remove(client.clientId()));
            publish(next);
        }
        return forgotten;
    }

    /** The ids watched by pattern right now (an immutable snapshot). */
    public java.util.Set<String> patternClientIds() {
        return patternIds;
    }

    public PatternStats patternStats() {
        return patternStats;
    }

    synchronized void forgetRetiredBefore(Instant cutoff) {
        retired.values().removeIf(r -> r.removedAt().isBefore(cutoff));
    }

    /** Removed clients still kept (for the state file), with when they were removed. */
    synchronized java.util.List<Retired> retired() {
        return java.util.List.copyOf(retired.values());
    }

    synchronized ClientState retiredClient(String clientId) {
        Retired r = retired.get(clientId);
        return r == null ? null : r.state();
    }

    /** Keeps the history of a client that is not configured (read from the state file), removed at {@code removedAt}. */
    synchronized ClientState retire(MonitoredClient client, Instant removedAt) {
        if (clients.containsKey(client.clientId())) {
            return null;
        }
        ClientState state = new ClientState(config.alias(), client, eventRetention);
        retired.put(client.clientId(), new Retired(state, removedAt));
        return state;
    }

    synchronized PollPlan plan() {
        boolean probeFilter = fullList && ++pollsSinceFilterProbe >= POLLS_BETWEEN_FILTER_PROBES;
        if (probeFilter) {
            pollsSinceFilterProbe = 0;
        }
        return new PollPlan(config, fullList && !probeFilter, maxRequestLine, fullListLimit, fields, patternIds);
    }

    synchronized void learn(boolean fullListNow, int maxRequestLineNow, int fullListLimitNow) {
        fullList = fullListNow;
        maxRequestLine = maxRequestLineNow;
        fullListLimit = fullListLimitNow;
    }

    public String alias() {
        return config.alias();
    }

    public BrokerConfig config() {
        return config;
    }

    public BrokerHealth health() {
        return health;
    }

    public Collection<ClientState> clients() {
        return clients.values();
    }

    public EventFeedStats eventFeed() {
        return eventFeed;
    }

    /** The monitored client with this id, or null (a map lookup: cheap for events of clients nobody monitors). */
    public ClientState client(String clientId) {
        return clients.get(clientId);
    }

    public boolean fullListMode() {
        return fullList;
    }
}
