package io.emqxclientmonitor.simulator;

/**
 * A demo device the exporter is meant to watch.
 *
 * @param alias     a short, label-friendly name
 * @param clientId  its MQTT client id in the simulated EMQX
 * @param behaviour what it does, for humans
 */
public record DemoDevice(String alias, String clientId, String behaviour) {
}
