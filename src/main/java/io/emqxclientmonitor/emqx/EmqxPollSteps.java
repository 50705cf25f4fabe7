package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.state.ClientTracker;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Java steps of the poll routes (bean {@code emqxPoll}). The routes keep the current {@link BrokerPoll} in the
 * exchange property {@value #POLL}; every method here is one step a route names.
 */
public final class EmqxPollSteps {
    public static final String POLL = "emqxPoll";
    /** Exchange property: true to keep every client EMQX lists, not only the monitored ones ({@code check --all}). */
    public static final String EVERY_CLIENT = "emqxEveryClient";
    private static final Logger LOG = LoggerFactory.getLogger(EmqxPollSteps.class);

    private final ClientTracker tracker;
    private final EmqxEndpoints endpoints;
    private final java.time.Duration pollInterval;
    /** Set when the exporter stops: polls in progress end at once, without retries, and are not recorded. */
    private volatile boolean abandoning;

    public EmqxPollSteps(ClientTracker tracker, EmqxEndpoints endpoints) {
        this(tracker, endpoints, null);
    }

    /** @param pollInterval bounds every poll to {@value BrokerPoll#POLL_INTERVALS_PER_POLL} of these; null for no bound */
    public EmqxPollSteps(ClientTracker tracker, EmqxEndpoints endpoints, java.time.Duration pollInterval) {
        this.tracker = tracker;
        this.endpoints = endpoints;
        this.pollInterval = pollInterval;
    }

    /** The aliases of the brokers to poll, one exchange each. */
    public List<String> brokers() {
        return tracker.brokerAliases();
    }

    /** Starts the poll of one broker; the exchange property {@value #EVERY_CLIENT} keeps every client listed. */
    public BrokerPoll start(@Body String brokerAlias, @ExchangeProperty(EVERY_CLIENT) Boolean everyClient) {
        BrokerPoll poll = tracker.startPoll(brokerAlias, Boolean.TRUE.equals(everyClient));
        return pollInterval == null ? poll : poll.limitedTo(pollInterval);
    }

    public boolean hasNextRequest(@ExchangeProperty(POLL) BrokerPoll poll) {
        return poll != null && !abandoning && poll.hasNextRequest();
    }

    public String nextQuery(@ExchangeProperty(POLL) BrokerPoll poll) {
        return poll.nextQuery();
    }

    public String authorization(@ExchangeProperty(POLL) BrokerPoll poll) {
        return poll.authorization();
    }

    /** The camel-http endpoint of the poll's broker (timeouts, TLS), without credentials. */
    public String endpoint(@ExchangeProperty(POLL) BrokerPoll poll) {
        return endpoints.clientsEndpoint(poll.broker());
    }

    public List<Object> rows(@ExchangeProperty(POLL) BrokerPoll poll, @Body Object page) {
        return poll.acceptPage(page);
    }

    public boolean isMonitored(@ExchangeProperty(POLL) BrokerPoll poll, @Body Object row) {
        return poll.isMonitored(row);
    }

    public void observe(@ExchangeProperty(POLL) BrokerPoll poll, @Body Object row) {
        poll.observe(row);
    }

    public void complete(@ExchangeProperty(POLL) BrokerPoll poll) {
        if (abandoning && !poll.succeeded()) {
            LOG.info("broker {}: poll abandoned because the exporter is stopping", poll.brokerAlias());
            return;
        }
        tracker.complete(poll);
    }

    /**
     * The exporter is stopping ({@link AbandonPollsOnStop}): polls in progress make no further request or retry,
     * and their failure (the aborted request) is neither counted nor logged as an EMQX problem.
     */
    public void abandonPolls() {
        abandoning = true;
    }

    /** Retry network errors and 5xx (NODE_DOWN, INTERNAL_ERROR); never 4xx or bad answers. */
    public boolean isRetryable(Exchange exchange) {
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return error != null && FailureClassifier.isRetryable(error);
    }

    /**
     * The broker's {@code attempts} bound the deliveries of one request. Camel has already counted the
     * redelivery it asks about, so redelivery n is attempt n + 1.
     */
    public boolean hasAttemptsLeft(@ExchangeProperty(POLL) BrokerPoll poll,
                                   @Header(Exchange.REDELIVERY_COUNTER) Integer redelivery) {
        int next = redelivery == null ? 1 : redelivery;
        return !abandoning && next < poll.broker().attempts();
    }

    /**
     * A request failed for good. After a 414, a 400 for {@code fields} or for {@code limit} the poll goes on with
     * smaller (or plainer) requests;
     * anything else ends the poll of this broker with a reason.
     */
    public void requestFailed(@ExchangeProperty(POLL) BrokerPoll poll,
                              @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) {
        if (error instanceof HttpOperationFailedException http) {
            if (http.getStatusCode() == 414 && poll.shrinkRequestLine()) {
                LOG.warn("broker {}: EMQX answered 414 (request line too long); retrying with requests of at most {} bytes",
                        poll.brokerAlias(), poll.maxRequestLine());
                return;
            }
            if (http.getStatusCode() == 400 && poll.dropFields()) {
                LOG.warn("broker {}: EMQX answered 400 to fields=… (a release that does not know one of the {} field names);"
                        + " asking for all fields, and for the field list again in {} polls", poll.brokerAlias(),
                        ClientRecordParser.FIELDS.size(), PollPlan.POLLS_BETWEEN_PROBES);
                return;
            }
            if (http.getStatusCode() == 400 && poll.shrinkPageLimit()) {
                LOG.warn("broker {}: EMQX answered 400 to a full-list page (EMQX before 5.5 refuses limit=10000); paging with limit={}",
                        poll.brokerAlias(), poll.fullListLimit());
                return;
            }
        }
        PollFailure failure = FailureClassifier.classify(error, poll.broker());
        poll.fail(failure.reason(), failure.message());
    }
}
