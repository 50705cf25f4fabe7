package io.emqxclientmonitor.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Header;

/**
 * Answers a scrape (bean {@code metricsEndpoint}): Prometheus text 0.0.4 by default, OpenMetrics when the
 * Accept header asks for it. Any Accept header gets an answer, never a 406.
 */
public final class ScrapeResponder {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public ScrapeResponder(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    public String contentType(@Header("Accept") String accept) {
        return wantsOpenMetrics(accept) ? OPENMETRICS : TEXT;
    }

    public String scrape(@Header("Accept") String accept) {
        return registry.scrape(contentType(accept));
    }

    private static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }
}
