package io.emqxclientmonitor.web;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sets up what every request to the exporter's HTTP server goes through, whatever route serves it: the
 * {@link ResponseHeaderPolicy} on the platform-http component, and the Vert.x instance of
 * {@link BoundedHttpServers} (timeouts, connection limit, {@link FrontDoor}) in the registry, and the
 * {@link WebhookGate} in front of the event webhook.
 */
public final class HttpSurface {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSurface.class);

    private HttpSurface() {
    }

    /** @param settings looks a setting up in every source, in the exporter's order (null when unset) */
    public static void install(CamelContext context, Function<String, String> settings) throws Exception {
        HttpLimits limits = HttpLimits.read(settings);
        context.getComponent("platform-http", PlatformHttpComponent.class).setHeaderFilterStrategy(new ResponseHeaderPolicy());
        if (!Boolean.parseBoolean(settings.apply("camel.server.enabled"))) {
            return; // no HTTP server (check): no Vert.x either
        }
        String port = settings.apply("camel.server.port");
        WebhookGate.install(context, settings.apply("camel.server.maxBodySize"),
                port == null || port.isBlank() ? 8080 : Integer.parseInt(port.trim()));
        if (context.getRegistry().findSingleByType(Vertx.class) != null) {
            LOG.warn("a Vert.x instance is already in the registry: the HTTP server runs without {}, {} and {}",
                    HttpLimits.IDLE_TIMEOUT, HttpLimits.HEADER_TIMEOUT, HttpLimits.MAX_CONNECTIONS);
            return;
        }
        Vertx vertx = BoundedHttpServers.vertx(context.getRegistry().findSingleByType(VertxOptions.class), limits);
        context.getRegistry().bind("exporterVertx", Vertx.class, vertx);
        // Camel closes only a Vert.x it made itself; this one goes once the context (and its HTTP server) has stopped
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.debug("closing the HTTP server's Vert.x", e);
                }
            }
        });
    }
}
