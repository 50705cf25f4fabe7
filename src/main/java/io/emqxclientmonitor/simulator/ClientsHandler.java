package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers every request to the simulator: {@code GET /api/v5/clients} like EMQX, anything else
 * with an empty 404 (or 405 for another method on the listing path).
 *
 * <p>Order of checks, as in Cowboy/minirest: request-line length (414), route, method, then the
 * armed faults, then authentication, then the query schema.
 */
final class ClientsHandler implements HttpHandler {

    static final String CLIENTS_PATH = "/api/v5/clients";
    /** Cowboy's default {@code max_request_line_length}, which EMQX keeps. */
    static final int MAX_REQUEST_LINE_LENGTH = SimulatorOptions.EMQX_MAX_REQUEST_LINE;

    private static final Logger LOG = LoggerFactory.getLogger(ClientsHandler.class);
    private static final String JSON = "application/json";
    private static final byte[] PROXY_ERROR_PAGE = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            + "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            + "</body>\r\n</html>\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Fleet fleet;
    private final Faults faults;
    private final RequestLog requestLog;
    private final SimulatorOptions options;
    private final BasicAuth auth;
    private final JsonFactory json;
    private final ClientListingJson listingJson;
    private final HostilePages hostilePages;
    private final FieldSchema fieldSchema;

    ClientsHandler(Fleet fleet, Faults faults, RequestLog requestLog, SimulatorOptions options, JsonFactory json,
                   HostilePages hostilePages, FieldSchema fieldSchema) {
        this.fleet = fleet;
        this.faults = faults;
        this.requestLog = requestLog;
        this.options = options;
        this.auth = new BasicAuth(options.apiKey(), options.apiSecret());
        this.json = json;
        this.listingJson = new ClientListingJson(json, options);
        this.hostilePages = hostilePages;
        this.fieldSchema = fieldSchema;
    }

    @Override
    public void handle(HttpExchange exchange) {
        requestLog.started();
        try {
            answer(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("Connection problem while answering {}: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Simulator failed to answer {}", exchange.getRequestURI(), e);
        } finally {
            exchange.close();
            requestLog.finished();
        }
    }

    private void answer(HttpExchange exchange) throws IOException, InterruptedException {
        Incoming in = Incoming.of(exchange);
        boolean onClientsPath = CLIENTS_PATH.equals(exchange.getRequestURI().getRawPath());
        if (in.requestLineLength() > options.maxRequestLine()) {
            sendEmpty(exchange, in, 414, onClientsPath);
            return;
        }
        if (!onClientsPath) {
            sendEmpty(exchange, in, 404, false);
            return;
        }
        if (!in.method().equals("GET")) {
            exchange.getResponseHeaders().set("allow", "GET");
            sendEmpty(exchange, in, 405, true);
            return;
        }

        FaultPlan plan = faults.next();
        if (!plan.delay().isZero()) {
            TimeUnit.NANOSECONDS.sleep(plan.delay().toNanos());
        }
        if (plan.outcome() != null) {
            answerWithFault(exchange, in, plan.outcome());
            return;
        }

        Optional<EmqxError> denied = auth.check(exchange.getRequestHeaders().getFirst("Authorization"));
        if (denied.isPresent()) {
            sendError(exchange, in, denied.get());
            return;
        }
        if (in.params() == null) {
            sendError(exchange, in, EmqxError.badRequest("malformed query string"));
            return;
        }
        ClientsQuery query;
        try {
            query = ClientsQuery.parse(in.params(), options.version(), fieldSchema);
        } catch (BadRequestException e) {
            sendError(exchange, in, EmqxError.badRequest(e.getMessage()));
            return;
        }
        byte[] listing = listing(query);
        requestLog.served(listing.length);
        send(exchange, in, 200, JSON, hostilePages.rewrite(listing));
    }

    private void answerWithFault(HttpExchange exchange, Incoming in, Fault fault)
            throws IOException, InterruptedException {
        switch (fault) {
            case HANG -> {
                requestLog.record(in.seen(0));
                // Released or closing: either way the request is never answered; the connection just drops.
                faults.awaitRelease();
            }
            case RESET_MID_BODY -> resetMidBody(exchange, in);
            case NODE_DOWN -> sendError(exchange, in, EmqxError.nodeDown(options.nodeName()));
            case INTERNAL_ERROR -> sendError(exchange, in, EmqxError.INTERNAL_ERROR);
            case GARBAGE -> send(exchange, in, 200, "text/html", PROXY_ERROR_PAGE);
            case TRUNCATED -> {
                byte[] whole = listing(in.queryOrDefaults(options.version()));
                send(exchange, in, 200, JSON, Arrays.copyOf(whole, whole.length / 2));
            }
            case UNAUTHORIZED -> sendError(exchange, in, EmqxError.BAD_API_KEY_OR_SECRET);
            case FORBIDDEN -> sendError(exchange, in, EmqxError.UNAUTHORIZED_ROLE);
            default -> throw new IllegalStateException("not an outcome: " + fault);
        }
    }

    /** Promises the whole listing, sends half, then closes the connection under the client. */
    private void resetMidBody(HttpExchange exchange, Incoming in) throws IOException {
        byte[] whole = listing(in.queryOrDefaults(options.version()));
        requestLog.record(in.seen(200));
        exchange.getResponseHeaders().set("content-type", JSON);
        exchange.sendResponseHeaders(200, whole.length);
        OutputStream body = exchange.getResponseBody();
        body.write(whole, 0, whole.length / 2);
        body.flush();
        // Closing a fixed-length body before it is complete makes the JDK server drop the connection.
        exchange.close();
    }

    private byte[] listing(ClientsQuery query) {
        List<ClientRow> matching = fleet.snapshot(query.clientIds());
        boolean like = query.like() != null && !fleet.hostileRows().ignoringLikeClientId();
        if (like) {
            matching = matching.stream().filter(row -> query.likeMatches(row.clientId())).toList();
        }
        matching = fleet.hostileRows().apply(matching);
        ClientPage page = ClientPage.of(matching, query.page(), query.limit());
        return listingJson.render(like ? page.withoutCount() : page, query.fields());
    }

    private void sendError(HttpExchange exchange, Incoming in, EmqxError error) throws IOException {
        if (error.isUnauthorized()) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic Realm=\"emqx-dashboard\"");
        }
        send(exchange, in, error.status(), JSON, error.toJson(json));
    }

    private void send(HttpExchange exchange, Incoming in, int status, String contentType, byte[] body)
            throws IOException {
        requestLog.record(in.seen(status));
        exchange.getResponseHeaders().set("content-type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void sendEmpty(HttpExchange exchange, Incoming in, int status, boolean logIt) throws IOException {
        if (logIt) {
            requestLog.record(in.seen(status));
        }
        exchange.sendResponseHeaders(status, -1);
    }

    /**
     * What arrived, as far as the request log cares.
     *
     * @param params decoded query parameters, or null when the query is malformed
     */
    private record Incoming(String method, String target, int requestLineLength, List<QueryString.Param> params) {

        static Incoming of(HttpExchange exchange) {
            String method = exchange.getRequestMethod();
            // URI.toString() of a URI parsed from the request line returns the text as received.
            String target = exchange.getRequestURI().toString();
            int lineLength = method.length() + 1 + target.length() + 1 + exchange.getProtocol().length();
            List<QueryString.Param> params;
            try {
                params = QueryString.parse(exchange.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException e) {
                params = null;
            }
            return new Incoming(method, target, lineLength, params);
        }

        /** For faults that must send a listing even when the query would be rejected. */
        ClientsQuery queryOrDefaults(EmqxVersion version) {
            try {
                if (params != null) {
                    return ClientsQuery.parse(params, version);
                }
            } catch (BadRequestException e) {
                // fall through to the defaults
            }
            return new ClientsQuery(ClientsQuery.DEFAULT_PAGE, ClientsQuery.DEFAULT_LIMIT, List.of());
        }

        SeenRequest seen(int status) {
            List<QueryString.Param> known = params == null ? List.of() : params;
            List<String> clientIds = QueryString.values(known, "clientid").stream()
                    .filter(v -> v != null).toList();
            return new SeenRequest(method, target, requestLineLength, status, clientIds,
                    ClientsQuery.loggedIntParam(known, "page", ClientsQuery.DEFAULT_PAGE),
                    ClientsQuery.loggedIntParam(known, "limit", ClientsQuery.DEFAULT_LIMIT));
        }
    }
}
