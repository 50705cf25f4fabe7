package io.emqxclientmonitor.simulator;

import javax.net.ssl.SSLContext;
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
 * @param maxRequestLine longest request line answered, in bytes; longer ones get 414 (EMQX/Cowboy: 8000;
 *                   a proxy in front of EMQX may allow less)
 * @param tls        serve HTTPS with this context (the server's key and certificate), or null for plain HTTP
 */
public record SimulatorOptions(String host, int port, String apiKey, String apiSecret, EmqxVersion version,
                               ZoneOffset nodeOffset, String nodeName, int maxRequestLine, SSLContext tls) {

    /** Cowboy's default {@code max_request_line_length}, which EMQX keeps. */
    public static final int EMQX_MAX_REQUEST_LINE = 8000;

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
        if (maxRequestLine < 1) {
            throw new IllegalArgumentException("maxRequestLine must be positive: " + maxRequestLine);
        }
    }

    /** Plain HTTP and EMQX's own request-line limit. */
    public SimulatorOptions(String host, int port, String apiKey, String apiSecret, EmqxVersion version,
                            ZoneOffset nodeOffset, String nodeName) {
        this(host, port, apiKey, apiSecret, version, nodeOffset, nodeName, EMQX_MAX_REQUEST_LINE, null);
    }

    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, "sim-key", "sim-secret", EmqxVersion.V5_8,
                ZoneOffset.ofHours(8), "emqx@127.0.0.1");
    }

    public SimulatorOptions withHost(String newHost) {
        return new SimulatorOptions(newHost, port, apiKey, apiSecret, version, nodeOffset, nodeName, maxRequestLine, tls);
    }

    public SimulatorOptions withPort(int newPort) {
        return new SimulatorOptions(host, newPort, apiKey, apiSecret, version, nodeOffset, nodeName, maxRequestLine, tls);
    }

    public SimulatorOptions withCredentials(String newKey, String newSecret) {
        return new SimulatorOptions(host, port, newKey, newSecret, version, nodeOffset, nodeName, maxRequestLine, tls);
    }

    public SimulatorOptions withVersion(EmqxVersion newVersion) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, newVersion, nodeOffset, nodeName, maxRequestLine, tls);
    }

    public SimulatorOptions withNodeOffset(ZoneOffset newOffset) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, newOffset, nodeName, maxRequestLine, tls);
    }

    public SimulatorOptions withNodeName(String newNodeName) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, nodeOffset, newNodeName, maxRequestLine, tls);
    }

    /** Answers 414 to request lines longer than this, like a proxy with a shorter limit than EMQX's. */
    public SimulatorOptions withMaxRequestLine(int newMaxRequestLine) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, nodeOffset, nodeName, newMaxRequestLine, tls);
    }

    /** Serves HTTPS with this context (holding the server's key and certificate); {@link EmqxSimulator#apiUrl()} says https. */
    public SimulatorOptions withTls(SSLContext serverContext) {
        return new SimulatorOptions(host, port, apiKey, apiSecret, version, nodeOffset, nodeName, maxRequestLine,
                Objects.requireNonNull(serverContext, "serverContext"));
    }
}
