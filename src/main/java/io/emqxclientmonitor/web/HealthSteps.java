package io.emqxclientmonitor.web;

import io.emqxclientmonitor.state.ClientTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Liveness and readiness for Kubernetes (bean {@code healthSteps}). Neither depends on EMQX: an unreachable
 * broker shows in {@code emqx_client_monitor_up}, and restarting the exporter would not fix it. Readiness does
 * depend on the exporter's own routes: one that is missing or stopped (a bad edit of {@code routes/}) makes it
 * fail, naming the route.
 */
public final class HealthSteps {
    /** The routes without which the exporter does not do its job (polling, /metrics, the probes, the JSON API). */
    public static final List<String> REQUIRED_ROUTES = List.of("emqx-poll", "emqx-poll-broker", "emqx-fetch-page",
            "metrics", "health-live", "health-ready", "landing-page", "api-clients", "api-client");

    private final CamelContext context;
    private final ClientTracker tracker;

    public HealthSteps(CamelContext context, ClientTracker tracker) {
        this.context = context;
        this.tracker = tracker;
    }

    /** Ready once Camel has started and every route runs, the required ones included. */
    public boolean ready() {
        return problems().isEmpty();
    }

    public String summary() {
        List<String> problems = problems();
        return problems.isEmpty() ? "ready: polling " + tracker.brokerAliases().size() + " broker(s)\n"
                : "not ready: " + String.join(", ", problems) + "\n";
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (context.getStatus() != ServiceStatus.Started) {
            problems.add("starting");
            return problems;
        }
        for (String id : REQUIRED_ROUTES) {
            if (context.getRoute(id) == null) {
                problems.add("route " + id + " is missing");
            }
        }
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            if (status != ServiceStatus.Started) {
                problems.add("route " + route.getRouteId() + " is " + (status == null ? "unknown" : status.name().toLowerCase()));
            }
        }
        return problems;
    }
}
