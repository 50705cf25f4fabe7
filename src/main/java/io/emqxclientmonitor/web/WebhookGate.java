package io.emqxclientmonitor.web;

import io.emqxclientmonitor.events.EventParser;
import io.emqxclientmonitor.events.EventWebhook;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * In front of the webhook route ({@code POST /api/v1/emqx/events}), on the event loop: answers from the headers
 * alone what needs no body (401 without the broker's auth, 404 without a webhook, 415 for a form or multipart
 * body, 413 for a declared length over the limit), then reads the body itself as bytes, whatever its content type,
 * and answers 413 as soon as it grows past the limit. Vert.x Web's BodyHandler, which the route would use otherwise,
 * decodes forms (Camel then hands the route a map it cannot convert: a 500 with a stack trace per request) and
 * logs every oversized body as an ERROR. Each refusal costs at most a DEBUG line; when the body was not read in full
 * the connection is closed after the answer, so the rest of it is never read.
 */
final class WebhookGate implements Handler<RoutingContext> {
    static final String PATH = "/api/v1/emqx/events";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookGate.class);

    /** The most of a refused body read (and dropped) before its connection is closed. */
    static final long DRAINED_BYTES = 1024 * 1024;

    private final EventWebhook webhook;
    private final long maxBodyBytes;

    WebhookGate(EventWebhook webhook, long maxBodyBytes) {
        this.webhook = webhook;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Puts a gate in front of the webhook route once the HTTP server's router exists, if the application has the
     * webhook bean ({@code emqxEventsWebhook}), and {@link QuietTooLarge} as the first failure handler.
     *
     * @param maxBodySize camel.server.maxBodySize (null or below 1: none), capped at what the parser takes
     */
    static void install(CamelContext context, String maxBodySize, int port) throws Exception {
        long limit = EventParser.MAX_BODY_BYTES;
        if (maxBodySize != null && !maxBodySize.isBlank()) {
            try {
                long configured = Long.parseLong(maxBodySize.trim());
                if (configured > 0) {
                    limit = Math.min(limit, configured);
                }
            } catch (NumberFormatException e) {
                // Camel refuses it at start
            }
        }
        long max = limit;
        StartupListener installer = new StartupListener() {
            private boolean installed;

            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                tryInstall(started);
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                tryInstall(started);
                EventWebhook webhook = started.getRegistry().lookupByNameAndType("emqxEventsWebhook", EventWebhook.class);
                if (!installed && webhook != null) {
                    LOG.warn("no platform-http router found on port {}: {} reads bodies with Vert.x Web's BodyHandler", port, PATH);
                }
            }

            private synchronized void tryInstall(CamelContext started) {
                EventWebhook webhook = started.getRegistry().lookupByNameAndType("emqxEventsWebhook", EventWebhook.class);
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(started, VertxPlatformHttpRouter.getRouterNameFromPort(port));
                if (router == null) {
                    router = started.getRegistry().findSingleByType(VertxPlatformHttpRouter.class);
                }
                if (installed || router == null) {
                    return;
                }
                router.route().order(Integer.MIN_VALUE).failureHandler(new QuietTooLarge());
                if (webhook != null) {
                    router.route(PATH).order(Integer.MIN_VALUE + 1).handler(new WebhookGate(webhook, max));
                }
                installed = true;
            }
        };
        context.addStartupListener(installer);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() != HttpMethod.POST) {
            ctx.next(); // the route answers 405
            return;
        }
        EventWebhook.Refusal refusal = webhook.refusal(request.query(), request.getHeader("Authorization"));
        if (refusal != null) {
            if (refusal.challenge() != null) {
                ctx.response().putHeader("WWW-Authenticate", refusal.challenge());
            }
            refuse(ctx, refusal.status(), "no webhook or no valid credentials for it");
            return;
        }
        String type = request.getHeader("Content-Type");
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT).trim();
        if (lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/")) {
            refuse(ctx, 415, "a form body (EMQX posts JSON)");
            return;
        }
        if (declaredLength(request) > maxBodyBytes) {
            refuse(ctx, 413, "Content-Length over " + maxBodyBytes);
            return;
        }
        readBody(ctx);
    }

    private void readBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Buffer body = Buffer.buffer();
        if (request.isEnded()) {
            pass(ctx, body);
            return;
        }
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBodyBytes) {
                refused[0] = true;
                refuse(ctx, 413, "body over " + maxBodyBytes + " bytes");
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> LOG.debug("webhook request from {} broke off: {}", request.remoteAddress(), e.toString()));
        if (request.version() == io.vertx.core.http.HttpVersion.HTTP_1_1
                && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            ctx.response().writeContinue(); // only now: a refused client never sends its body
        }
        request.endHandler(end -> {
            if (!refused[0]) {
                pass(ctx, body);
            }
        });
        request.resume();
    }

    /** The route's BodyHandler sees the body as read and lets it by; Camel hands the route these bytes. */
    private static void pass(RoutingContext ctx, Buffer body) {
        RoutingContextInternal internal = (RoutingContextInternal) ctx;
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        internal.setBody(body);
        ctx.next();
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // Vert.x refuses it before us; never read an unknown amount
        }
    }

    /**
     * Answers with a status and no body. When part of the body is still on its way, the connection is closed once
     * the rest has come (read and dropped, so that the client gets to read the answer rather than a reset), or at
     * once past {@value #DRAINED_BYTES} bytes; ConnectionWatch closes it if the rest trickles.
     */
    private static void refuse(RoutingContext ctx, int status, String why) {
        HttpServerRequest request = ctx.request();
        LOG.debug("{} for a webhook request from {}: {}", status, request.remoteAddress(), why);
        HttpServerResponse response = ctx.response();
        boolean unread = !request.isEnded();
        if (unread) {
            response.putHeader("Connection", "close");
        }
        io.vertx.core.Future<Void> answered = response.setStatusCode(status).end();
        if (unread) {
            long[] drained = {0};
            request.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > DRAINED_BYTES) {
                    request.connection().close();
                }
            });
            request.endHandler(end -> answered.onComplete(done -> request.connection().close()));
            request.exceptionHandler(e -> LOG.debug("refused webhook request from {} broke off: {}", request.remoteAddress(), e.toString()));
            request.resume();
        }
    }
}
