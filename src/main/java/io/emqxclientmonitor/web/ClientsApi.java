package io.emqxclientmonitor.web;

import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientView;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON API's answers (bean {@code clientsApi}): what {@code GET /api/v1/clients} and
 * {@code GET /api/v1/clients/{alias}} return, with the HTTP status. The routes marshal the document with Jackson.
 */
public final class ClientsApi {
    private static final Set<String> STATES = Set.of("connected", "disconnected", "absent", "unknown");

    private final ClientTracker tracker;

    public ClientsApi(ClientTracker tracker) {
        this.tracker = tracker;
    }

    /** A status code and the document to send as JSON. */
    public record Answer(int status, Object document) {
        static Answer error(int status, String message) {
            return new Answer(status, Map.of("error", message));
        }
    }

    /** Every monitored client; {@code ?broker=} and {@code ?state=} (comma-separated) narrow the list. */
    public Answer list(@Header("broker") Object broker, @Header("state") Object state) {
        String onlyBroker = first(broker);
        Set<String> states = first(state) == null ? STATES
                : Arrays.stream(first(state).split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!STATES.containsAll(states)) {
            return Answer.error(400, "unknown state in '" + first(state) + "': use connected, disconnected, absent or unknown");
        }
        if (onlyBroker != null && tracker.broker(onlyBroker) == null) {
            return Answer.error(404, "no broker '" + onlyBroker + "': the brokers are " + tracker.brokerAliases());
        }
        List<BrokerState> brokers = new ArrayList<>();
        List<ClientView> clients = new ArrayList<>();
        for (BrokerState b : tracker.brokers()) {
            if (onlyBroker == null || onlyBroker.equals(b.alias())) {
                brokers.add(b);
                for (ClientState client : b.clients()) {
                    ClientView view = client.view();
                    if (states.contains(ClientDocuments.state(view))) {
                        clients.add(view);
                    }
                }
            }
        }
        return new Answer(200, ClientDocuments.list(tracker.shards(), brokers, clients, now()));
    }

    /**
     * One client by alias, with its recent events. The alias is taken from the request path and percent-decoded
     * ({@code %2F} is a '/', a '+' stays a '+'): the {@code alias} header would also collect a query parameter of
     * that name. {@code ?broker=} picks the broker when several have a client with that alias.
     */
    public Answer client(@Header(Exchange.HTTP_PATH) String path, @Header("broker") Object broker) {
        String alias = lastSegment(path);
        String onlyBroker = first(broker);
        if (alias == null) {
            return Answer.error(400, "the path is not /api/v1/clients/<alias> with a percent-encoded alias");
        }
        if (onlyBroker != null && tracker.broker(onlyBroker) == null) {
            return Answer.error(404, "no broker '" + onlyBroker + "': the brokers are " + tracker.brokerAliases());
        }
        List<BrokerState> matches = new ArrayList<>();
        ClientView found = null;
        for (BrokerState b : tracker.brokers()) {
            if (onlyBroker != null && !onlyBroker.equals(b.alias())) {
                continue;
            }
            for (ClientState client : b.clients()) {
                if (alias.equals(client.client().alias())) {
                    matches.add(b);
                    found = client.view();
                }
            }
        }
        if (matches.isEmpty()) {
            String where = onlyBroker == null ? "" : " on broker '" + onlyBroker + "'";
            return Answer.error(404, "no monitored client with alias '" + alias + "'" + where);
        }
        if (matches.size() > 1) {
            Map<String, Object> conflict = new LinkedHashMap<>();
            conflict.put("error", "alias '" + alias + "' is monitored on several brokers: add ?broker=<broker>");
            conflict.put("brokers", matches.stream().map(BrokerState::alias).toList());
            return new Answer(409, conflict);
        }
        return new Answer(200, ClientDocuments.client(found, matches.get(0).health(), now(), true));
    }

    private Instant now() {
        return tracker.clock().instant();
    }

    static String lastSegment(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        String segment = rawPath.substring(rawPath.lastIndexOf('/') + 1);
        if (segment.isEmpty()) {
            return null;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String first(Object header) {
        Object value = header instanceof List<?> list ? (list.isEmpty() ? null : list.get(0)) : header;
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
