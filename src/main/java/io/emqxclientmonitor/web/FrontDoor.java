package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request on the exporter's HTTP server, before Vert.x Web's router: tells the
 * {@link ConnectionWatch} that request headers arrived, puts the security headers on every answer, and answers
 * 400 to a request target with a malformed percent escape ({@code /metrics%zz}, {@code ?x=%zz}), to one that is not a
 * path ({@code *}) and to HTTP/1.1 without {@code Host}, which the router would otherwise log as an ERROR (with a
 * stack trace) per request, with at most one DEBUG line.
 */
final class FrontDoor implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

    private final Handler<HttpServerRequest> next;
    private final ConnectionWatch watch;

    FrontDoor(Handler<HttpServerRequest> next, ConnectionWatch watch) {
        this.next = next;
        this.watch = watch;
    }

    @Override
    public void handle(HttpServerRequest request) {
        watch.requestArrived(request);
        // a route may replace Cache-Control (ResponseHeaderPolicy lets it out); nothing may turn nosniff off
        request.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
        String target = request.uri();
        if (!wellFormedEscapes(target)) {
            refuse(request, "malformed percent escape in the URL (every % must be followed by two hex digits)");
        } else if (!(target.startsWith("/") || target.startsWith("http://") || target.startsWith("https://"))) {
            refuse(request, "the request target must be a path such as /metrics");
        } else if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null) {
            refuse(request, "an HTTP/1.1 request needs a Host header");
        } else {
            next.handle(request);
        }
    }

    /** A 400 that the router would otherwise log as an ERROR (with a stack trace) per request: one DEBUG line at most. */
    private static void refuse(HttpServerRequest request, String why) {
        LOG.debug("400 for a malformed request from {}: {}", request.remoteAddress(), why);
        request.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("Bad Request: " + why + "\n");
    }

    /** Whether every '%' is followed by two hex digits (RFC 3986 pct-encoded), in the path and the query. */
    static boolean wellFormedEscapes(String target) {
        if (target == null) {
            return false;
        }
        for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 1)) {
            if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                    || Character.digit(target.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
