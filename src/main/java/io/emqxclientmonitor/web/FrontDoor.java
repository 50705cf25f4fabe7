package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request on the exporter's HTTP server, before Vert.x Web's router: tells the
 * {@link ConnectionWatch} that request headers arrived, puts the security headers on every answer, and answers
 * 400 to a request target with a malformed percent escape ({@code /metrics%zz}, {@code ?x=%zz}), which the router
 * would otherwise log as a 57-line ERROR stack trace per request, with at most one DEBUG line.
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
            LOG.debug("400 for a malformed percent escape in the request target from {}", request.remoteAddress());
            request.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("Bad Request: malformed percent escape in the URL (every % must be followed by two hex digits)\n");
            return;
        }
        next.handle(request);
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
