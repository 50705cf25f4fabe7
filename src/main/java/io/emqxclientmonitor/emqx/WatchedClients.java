package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ClientPattern;
import io.emqxclientmonitor.config.MonitoredClient;

import java.util.HashMap;
import java.util.Map;

/**
 * The one place that decides whether this instance watches a client of a broker, and under which alias: an explicit
 * entry (its alias wins), else a match of the broker's {@link ClientPattern}. Every row a poll keeps passes here, so a
 * further condition on who is watched (e.g. a shard's share of the clients) belongs in {@link #watched}.
 */
public final class WatchedClients {
    private final Map<String, MonitoredClient> explicit = new HashMap<>();
    private final ClientPattern pattern;

    public WatchedClients(BrokerConfig broker) {
        for (MonitoredClient client : broker.clients()) {
            explicit.put(client.clientId(), client);
        }
        this.pattern = broker.pattern();
    }

    /** The client as watched here, or null when it is not watched. */
    public MonitoredClient watched(String clientId) {
        if (clientId == null) {
            return null;
        }
        MonitoredClient listed = explicit.get(clientId);
        if (listed != null) {
            return listed;
        }
        // an empty id would be an empty client_id label, which Prometheus reads as no label at all
        String alias = clientId.isEmpty() ? null : pattern.aliasOf(clientId);
        return alias == null ? null : new MonitoredClient(alias, clientId);
    }

    public boolean isExplicit(String clientId) {
        return explicit.containsKey(clientId);
    }

    /** Watched by the pattern and not listed explicitly. */
    public boolean byPattern(String clientId) {
        return !explicit.containsKey(clientId) && watched(clientId) != null;
    }

    public ClientPattern pattern() {
        return pattern;
    }
}
