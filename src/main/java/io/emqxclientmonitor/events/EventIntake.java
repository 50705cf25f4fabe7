package io.emqxclientmonitor.events;

import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.EventFeedStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Where the routes hand EMQX's client events (bean {@code emqxEvents}): a webhook body or one MQTT message. Parses
 * them and hands each to the {@link ClientState} of its client, which owns the state. Thread-safe; never throws for
 * what a broker or an HTTP client sends.
 */
public final class EventIntake {
    private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);
    /** Bodies parsed at once; beyond this the webhook answers 503 and EMQX retries (research §2.3). */
    static final int DEFAULT_CONCURRENCY = 64;

    public enum Outcome {
        ACCEPTED(204), DUPLICATE(204), IGNORED_UNMONITORED(204), INVALID(400), UNKNOWN_BROKER(404), BUSY(503);

        private final int httpStatus;

        Outcome(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** What the webhook answers: EMQX retries a 503 only, and needs no body. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final ClientTracker tracker;
    private final Semaphore inFlight;
    /** The failure state last logged per broker (one WARN per change). */
    private final Map<String, String> feedFailures = new ConcurrentHashMap<>();

    public EventIntake(ClientTracker tracker) {
        this(tracker, DEFAULT_CONCURRENCY);
    }

    public EventIntake(ClientTracker tracker, int concurrency) {
        this.tracker = tracker;
        this.inFlight = new Semaphore(concurrency);
    }

    /** The same as {@link #accept(String, String, String, byte[])} without a topic. */
    public Outcome accept(String brokerAlias, String transport, byte[] body) {
        return accept(brokerAlias, transport, null, body);
    }

    /**
     * @param transport {@code sys}, {@code republish} or {@code webhook} (the shapes are told apart by their fields)
     * @param topic     the MQTT topic, or null: its last level tells a {@code $SYS} connect from a disconnect; the
     *                  client id is never taken from it
     */
    public Outcome accept(String brokerAlias, String transport, String topic, byte[] body) {
        BrokerState broker = brokerAlias == null ? null : tracker.broker(brokerAlias);
        if (broker == null) {
            return Outcome.UNKNOWN_BROKER;
        }
        if (!inFlight.tryAcquire()) {
            return Outcome.BUSY;
        }
        try {
            Instant now = tracker.clock().instant();
            List<ClientEvent> events = EventParser.parse(body, topic, now);
            EventFeedStats stats = broker.eventFeed();
            if (events == null) {
                stats.countInvalid();
                return Outcome.INVALID;
            }
            Outcome outcome = null;
            for (ClientEvent event : events) {
                outcome = better(outcome, apply(broker, stats, event, now));
            }
            if (outcome == Outcome.ACCEPTED) {
                tracker.eventApplied();
            }
            return outcome;
        } catch (RuntimeException e) {
            LOG.debug("broker {}: an event could not be applied", brokerAlias, e);
            broker.eventFeed().countInvalid();
            return Outcome.INVALID;
        } finally {
            inFlight.release();
        }
    }

    private static Outcome apply(BrokerState broker, EventFeedStats stats, ClientEvent event, Instant now) {
        if (event == null) {
            stats.countInvalid();
            return Outcome.INVALID;
        }
        stats.countEvent(event.kind() == ClientEvent.Kind.CONNECTED);
        ClientState client = broker.client(event.clientId());
        if (client == null) {
            return Outcome.IGNORED_UNMONITORED;
        }
        return client.onEvent(event, now) == ClientState.EventEffect.APPLIED ? Outcome.ACCEPTED : Outcome.DUPLICATE;
    }

    /** Of a body's events, the most telling outcome: any accepted, else a duplicate, else ignored, else invalid. */
    private static Outcome better(Outcome a, Outcome b) {
        if (a == null) {
            return b;
        }
        return rank(b) < rank(a) ? b : a;
    }

    private static int rank(Outcome o) {
        return switch (o) {
            case ACCEPTED -> 0;
            case DUPLICATE -> 1;
            case IGNORED_UNMONITORED -> 2;
            default -> 3;
        };
    }

    /** The MQTT subscription is in place (SUBACK granted). */
    public void feedConnected(String brokerAlias) {
        BrokerState broker = tracker.broker(brokerAlias);
        if (broker == null) {
            return;
        }
        broker.eventFeed().up(true);
        if (feedFailures.remove(brokerAlias) != null) {
            LOG.info("broker {}: event feed is up again; the next poll repairs what it missed", brokerAlias);
        }
    }

    /**
     * @param reason  {@code unreachable}, {@code auth_failed}, {@code subscription_refused}, {@code disconnected} or
     *                {@code error}
     * @param message what is wrong and how to fix it (never a secret)
     */
    public void feedDown(String brokerAlias, String reason, String message) {
        BrokerState broker = tracker.broker(brokerAlias);
        if (broker == null) {
            return;
        }
        broker.eventFeed().up(false);
        String state = reason + ": " + message;
        if (!Objects.equals(feedFailures.put(brokerAlias, state), state)) {
            LOG.warn("broker {}: event feed down ({}); polls carry on without it", brokerAlias, state);
        }
    }
}
