package io.emqxclientmonitor.simulator;

import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How the simulated EMQX node presents itself.
 *
 * @param host       address to bind (and to put into {@link EmqxSimulator#apiUrl()})
 * @param port       port to bind, 0 for an ephemeral one
 * @param apiKey     the API key accepted as the Basic-auth user name
 * @param apiSecret  the API secret accepted as the Basic-auth password
 * @param version    which EMQX release line to imitate
 * @param nodeOffset the node's local UTC offset, used for every timestamp it writes
 * @param nodeName   the Erlang node name reported in each row's {@code node}
 */
public record SimulatorOptions(String host, int port, String apiKey, String apiSecret, EmqxVersion version,
                               ZoneOffset nodeOffset, String nodeName) {

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(apiSecret, "apiSecret");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(nodeOffset, "nodeOffset");
        Objects.requireNonNull(nodeName, "nodeName");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, "sim-key", "sim-secret", EmqxVersion.V5_8,
                ZoneOffset.ofHours(8), "emqx@127.0.0.1");
    }

    public SimulatorOptions withHost(String newHost) {
        return new SimulatorOptions(newHost, port, apiKey, apiSecret, version, nodeOffset, nodeName);
    }

    public SimulatorOptions withPort(int newPort) {
        return new SimulatorOptions(host, newPort, apiKey, apiSecret, version, nodeOffset, nodeName);
    }

    public SimulatorOptions withCredentials(String newKey, String newSecret) {
        return new SimulatorOptions(host, port, newKey, newSecret, version, nodeOffset, nodeName);
    }

    public SimulatorOptions withVersion(EmqxVersion newVersion) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, newVersion, nodeOffset, nodeName);
    }

    public SimulatorOptions withNodeOffset(ZoneOffset newOffset) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, newOffset, nodeName);
    }

    public SimulatorOptions withNodeName(String newNodeName) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, nodeOffset, newNodeName);
    }
}
