package io.emqxclientmonitor.web;

import io.emqxclientmonitor.state.ClientTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * Liveness and readiness for Kubernetes (bean {@code healthSteps}). Neither depends on EMQX: an unreachable
 * broker shows in {@code emqx_client_monitor_up}, and restarting the exporter would not fix it.
 */
public final class HealthSteps {
    private final CamelContext context;
    private final ClientTracker tracker;

    public HealthSteps(CamelContext context, ClientTracker tracker) {
        this.context = context;
        this.tracker = tracker;
    }

    /** Ready once Camel and every route have started. */
    public boolean ready() {
        if (context.getStatus() != ServiceStatus.Started) {
            return false;
        }
        for (Route route : context.getRoutes()) {
            if (context.getRouteController().getRouteStatus(route.getRouteId()) != ServiceStatus.Started) {
                return false;
            }
        }
        return true;
    }

    public String summary() {
        return ready() ? "ready: polling " + tracker.brokerAliases().size() + " broker(s)\n" : "starting\n";
    }
}
