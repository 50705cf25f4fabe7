package io.emqxclientmonitor.emqx;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.io.CloseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stopping the exporter abandons polls in progress instead of waiting for them. Without this, Camel's graceful
 * shutdown waits for the poll's exchange (up to 45 s when EMQX hangs: longer than Kubernetes' 30 s grace period,
 * so the state file would never be saved) and then logs blocked-thread dumps. As soon as the context starts
 * stopping, the poll steps stop making requests and retries, and the connections of in-flight requests to EMQX
 * are closed, so a request stuck in a socket read ends at once. Then it waits (briefly) for the abandoned
 * exchanges to finish, before Camel interrupts the threads still waiting for them (which it logs as errors).
 */
public final class AbandonPollsOnStop extends LifecycleStrategySupport {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonPollsOnStop.class);
    private static final long WAIT_FOR_ABANDONED_MILLIS = 5000;

    @Override
    public void onContextStopping(CamelContext context) {
        EmqxPollSteps steps = context.getRegistry().lookupByNameAndType(EmqxPollSteps.POLL, EmqxPollSteps.class);
        if (steps != null) {
            steps.abandonPolls();
        }
        Map<HttpClientConnectionManager, Boolean> managers = new IdentityHashMap<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof HttpEndpoint http && http.getClientConnectionManager() != null) {
                managers.put(http.getClientConnectionManager(), true);
            }
        }
        for (HttpClientConnectionManager manager : managers.keySet()) {
            try {
                manager.close(CloseMode.IMMEDIATE);
            } catch (Exception e) {
                LOG.debug("closing EMQX connections at stop: {}", e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_FOR_ABANDONED_MILLIS);
        while (context.getInflightRepository().size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
