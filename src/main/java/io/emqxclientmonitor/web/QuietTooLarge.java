package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first failure handler of every route, for 413, which Vert.x Web's BodyHandler fails a request with when its
 * body passes {@code camel.server.maxBodySize} (a GET with a body too): left unhandled, the router logs each as an
 * ERROR ("Unhandled exception in router"), so anyone could flood the log. Answers 413 with at most a DEBUG line and
 * closes the connection, as the rest of the body is never read. Other failures go on as before.
 */
final class QuietTooLarge implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(QuietTooLarge.class);

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.statusCode() != 413) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        LOG.debug("413 for a request body from {} over camel.server.maxBodySize", request.remoteAddress());
        if (response.ended() || response.closed()) {
            return;
        }
        // the BodyHandler made failing the context the request's exception handler: closing would fail it again
        request.exceptionHandler(e -> LOG.debug("request from {} after its 413: {}", request.remoteAddress(), e.toString()));
        response.setStatusCode(413).putHeader("Connection", "close").end().onComplete(done -> {
            if (!request.isEnded()) {
                request.connection().close();
            }
        });
    }
}
