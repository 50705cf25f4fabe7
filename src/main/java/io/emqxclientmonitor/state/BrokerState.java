package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.PollPlan;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One broker: its monitored clients (in configuration order), its health, and what earlier polls taught about
 * how to query it. The client map is replaced, never mutated, so readers need no lock.
 */
public final class BrokerState {
    static final int DEFAULT_MAX_REQUEST_LINE = 8000;
    static final int FULL_LIST_START_LIMIT = 10_000;
    /** After this many polls in full-list mode, try the filter again (EMQX may have been upgraded to 5.6+). */
    static final int POLLS_BETWEEN_FILTER_PROBES = 240;

    private final BrokerHealth health = new BrokerHealth();
    private final int eventRetention;
    private volatile BrokerConfig config;
    private volatile Map<String, ClientState> clients = Map.of();

    private volatile boolean fullList;
    private int pollsSinceFilterProbe;
    private volatile int maxRequestLine;
    private volatile int fullListLimit = FULL_LIST_START_LIMIT;

    BrokerState(BrokerConfig config, int eventRetention, int maxRequestLine) {
        this.eventRetention = eventRetention;
        this.maxRequestLine = maxRequestLine;
        reconfigure(config);
    }

    /** Keeps the state of clients still configured, adds new ones, forgets removed ones. */
    void reconfigure(BrokerConfig newConfig) {
        Map<String, ClientState> next = new LinkedHashMap<>();
        for (MonitoredClient client : newConfig.clients()) {
            ClientState existing = clients.get(client.clientId());
            next.put(client.clientId(), existing != null && existing.client().equals(client)
                    ? existing : new ClientState(newConfig.alias(), client, eventRetention));
        }
        config = newConfig;
        clients = next;
    }

    synchronized PollPlan plan() {
        boolean probeFilter = fullList && ++pollsSinceFilterProbe >= POLLS_BETWEEN_FILTER_PROBES;
        if (probeFilter) {
            pollsSinceFilterProbe = 0;
        }
        return new PollPlan(config, fullList && !probeFilter, maxRequestLine, fullListLimit);
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

    ClientState client(String clientId) {
        return clients.get(clientId);
    }

    public boolean fullListMode() {
        return fullList;
    }
}
