package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every open connection of the exporter's HTTP server, for the limits Vert.x's own options do not have: at most
 * {@link HttpLimits#maxConnections()} open (beyond that a new connection closes the one the server has waited on
 * longest, for headers, a body or a next request, so slow or idle clients holding every connection cannot keep a
 * scrape out; when all are being answered the new one is closed), and a deadline for request headers: a new connection has
 * {@link HttpLimits#headerTimeoutSeconds()} to complete its first request's headers, a kept-alive one
 * {@link HttpLimits#idleTimeoutSeconds()} after an answer to complete the next; once the headers are in, the request's
 * body has {@link HttpLimits#headerTimeoutSeconds()} again to arrive in full. A slow-header or slow-body (slowloris,
 * R.U.D.Y.) client that trickles a byte now and then, which an idle timeout never catches, is thus closed too.
 */
final class ConnectionWatch implements Handler<HttpConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);

    private final HttpLimits limits;
    private final Map<HttpConnection, Watched> open = new ConcurrentHashMap<>();

    /** One connection: when it opened, its latest request, its answer, and since when that answer has been finished. */
    private static final class Watched {
        final long opened = System.nanoTime();
        volatile HttpServerRequest request;
        volatile HttpServerResponse latest;
        volatile long headersAt;
        volatile long answeredAt;
    }

    ConnectionWatch(HttpLimits limits) {
        this.limits = limits;
    }

    /** Checks deadlines a few times per header timeout, on a Vert.x timer. */
    void start(Vertx vertx) {
        long period = Math.max(100, TimeUnit.SECONDS.toMillis(Math.min(limits.headerTimeoutSeconds(), limits.idleTimeoutSeconds())) / 5);
        vertx.setPeriodic(period, id -> closeOverdue(System.nanoTime()));
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open.size() >= limits.maxConnections()) {
            HttpConnection evicted = longestWaiting(System.nanoTime());
            if (evicted == null) {
                LOG.debug("closing a connection from {}: {} are open ({} = {}), all being answered",
                        connection.remoteAddress(), open.size(), HttpLimits.MAX_CONNECTIONS, limits.maxConnections());
                connection.close();
                return;
            }
            // slow or idle clients holding every connection must not keep a scrape out: the one waited on longest goes
            LOG.debug("closing a connection from {} to make room ({} = {}): it has kept the server waiting longest",
                    evicted.remoteAddress(), HttpLimits.MAX_CONNECTIONS, limits.maxConnections());
            open.remove(evicted);
            evicted.close();
        }
        open.put(connection, new Watched());
        connection.closeHandler(closed -> open.remove(connection));
    }

    /** A request's headers are complete: its body has the header timeout to arrive, then the answer has all it needs. */
    void requestArrived(HttpServerRequest request) {
        Watched watched = open.get(request.connection());
        if (watched != null) {
            watched.answeredAt = 0;
            watched.headersAt = System.nanoTime();
            watched.request = request;
            watched.latest = request.response();
        }
    }

    /** The connection the server has waited on longest (for headers, a body or a next request); null if none waits. */
    private HttpConnection longestWaiting(long now) {
        HttpConnection longest = null;
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<HttpConnection, Watched> entry : open.entrySet()) {
            long since = waitingSince(entry.getValue(), now);
            if (since < earliest) {
                earliest = since;
                longest = entry.getKey();
            }
        }
        return longest;
    }

    /** Since when the server waits for this connection's client; Long.MAX_VALUE while it is answering it. */
    private static long waitingSince(Watched watched, long now) {
        HttpServerResponse latest = watched.latest;
        if (latest == null) {
            return watched.opened;
        }
        if (!watched.request.isEnded()) {
            return watched.headersAt;
        }
        if (latest.ended() || latest.closed()) {
            return watched.answeredAt == 0 ? now : watched.answeredAt;
        }
        return Long.MAX_VALUE;
    }

    int openConnections() {
        return open.size();
    }

    private void closeOverdue(long now) {
        long header = TimeUnit.SECONDS.toNanos(limits.headerTimeoutSeconds());
        long idle = TimeUnit.SECONDS.toNanos(limits.idleTimeoutSeconds());
        open.forEach((connection, watched) -> {
            HttpServerResponse latest = watched.latest;
            boolean overdue;
            if (latest == null) {
                overdue = now - watched.opened > header;
            } else if (!watched.request.isEnded()) {
                overdue = now - watched.headersAt > header; // headers in, body still trickling (answered or not)
            } else if (latest.ended() || latest.closed()) {
                if (watched.answeredAt == 0) {
                    watched.answeredAt = now;
                }
                overdue = now - watched.answeredAt > idle;
            } else {
                overdue = false; // an answer is being written: Vert.x's idle timeout covers a client that stopped reading
            }
            if (overdue) {
                LOG.debug("closing a connection from {}: no complete request in time", connection.remoteAddress());
                open.remove(connection);
                connection.close();
            }
        });
    }
}
