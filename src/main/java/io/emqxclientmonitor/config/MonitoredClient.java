package io.emqxclientmonitor.config;

/** One MQTT client to watch: {@code alias} is the operator's name for it, {@code clientId} its MQTT client id. */
public record MonitoredClient(String alias, String clientId) {
}
