package io.emqxclientmonitor.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One EMQX broker (cluster) and the clients watched on it.
 *
 * @param name        the key under {@code emqx.broker.<name>.*}, or {@code default} for the single-broker form
 * @param alias       the value of the {@code broker} label
 * @param apiUrl      EMQX's API base, e.g. {@code http://emqx:18083/api}, always without a trailing slash
 * @param clientsFile where the clients came from, if a file (watched for changes), else null
 * @param pattern     the clients watched by pattern next to the explicit list ({@link ClientPattern#NONE}: none)
 */
public record BrokerConfig(String name, String alias, URI apiUrl, String apiKey, String apiSecret,
                           Duration timeout, int attempts, TlsSettings tls,
                           List<MonitoredClient> clients, Path clientsFile, ClientPattern pattern) {

    public BrokerConfig {
        clients = List.copyOf(clients);
        pattern = pattern == null ? ClientPattern.NONE : pattern;
    }

    /** Only explicit clients. */
    public BrokerConfig(String name, String alias, URI apiUrl, String apiKey, String apiSecret,
                        Duration timeout, int attempts, TlsSettings tls,
                        List<MonitoredClient> clients, Path clientsFile) {
        this(name, alias, apiUrl, apiKey, apiSecret, timeout, attempts, tls, clients, clientsFile, ClientPattern.NONE);
    }

    public BrokerConfig withClients(List<MonitoredClient> newClients) {
        return new BrokerConfig(name, alias, apiUrl, apiKey, apiSecret, timeout, attempts, tls, newClients, clientsFile, pattern);
    }

    public BrokerConfig withPattern(ClientPattern newPattern) {
        return new BrokerConfig(name, alias, apiUrl, apiKey, apiSecret, timeout, attempts, tls, clients, clientsFile, newPattern);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "BrokerConfig[alias=" + alias + ", apiUrl=" + apiUrl + ", clients=" + clients.size()
                + (pattern.configured() ? ", pattern=" + pattern.describe() : "") + "]";
    }
}
