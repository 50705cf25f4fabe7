package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.PollFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Owns all per-client and per-broker state. The poll route starts a {@link BrokerPoll}, feeds it EMQX's pages
 * and hands it back here; only a finished poll changes what {@code /metrics} shows, all at once.
 */
public final class ClientTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTracker.class);

    private final Clock clock;
    private final int eventRetention;
    private final int maxRequestLine;
    private final List<Consumer<BrokerState>> pollListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> afterEveryPoll = new CopyOnWriteArrayList<>();
    private volatile Map<String, BrokerState> brokers = Map.of();
    private volatile io.emqxclientmonitor.config.ShardAssignment shards = io.emqxclientmonitor.config.ShardAssignment.UNSHARDED;
    /** How long removed clients keep their history in memory and in the state file (monitor.removed-client-retention). */
    private volatile Duration removedClientRetention = DEFAULT_REMOVED_CLIENT_RETENTION;
    public static final Duration DEFAULT_REMOVED_CLIENT_RETENTION = Duration.ofHours(24);
    /** Counts every change of what /metrics shows (polls applied, configuration changes): see {@link #changes()}. */
    private final AtomicLong changes = new AtomicLong();

    public ClientTracker(MonitorConfig config, Clock clock, int maxRequestLine) {
        this.clock = clock;
        this.eventRetention = config.eventRetention();
        this.maxRequestLine = maxRequestLine;
        reconfigure(config);
    }

    public ClientTracker(MonitorConfig config, Clock clock) {
        this(config, clock, BrokerState.DEFAULT_MAX_REQUEST_LINE);
    }

    /** Adds and removes brokers and clients; state of what stays is kept. */
    public synchronized void reconfigure(MonitorConfig config) {
        shards = config.shards();
        Map<String, BrokerState> next = new LinkedHashMap<>();
        for (BrokerConfig broker : config.brokers()) {
            BrokerState existing = brokers.get(broker.alias());
            if (existing != null) {
                existing.reconfigure(broker, clock.instant(), removedClientRetention);
                next.put(broker.alias(), existing);
            } else {
                next.put(broker.alias(), new BrokerState(broker, eventRetention, maxRequestLine));
            }
        }
        brokers = next;
        changes.incrementAndGet();
    }

    public synchronized void reconfigureBroker(BrokerConfig broker) {
        BrokerState state = brokers.get(broker.alias());
        if (state != null) {
            state.reconfigure(broker, clock.instant(), removedClientRetention);
        }
        changes.incrementAndGet();
    }

    /** Which share of every broker's clients this instance watches. */
    public io.emqxclientmonitor.config.ShardAssignment shards() {
        return shards;
    }

    public void removedClientRetention(Duration retention) {
        removedClientRetention = retention;
    }

    public Duration removedClientRetention() {
        return removedClientRetention;
    }

    public List<String> brokerAliases() {
        return List.copyOf(brokers.keySet());
    }

    public Collection<BrokerState> brokers() {
        return brokers.values();
    }

    public BrokerState broker(String alias) {
        return brokers.get(alias);
    }

    public BrokerPoll startPoll(String brokerAlias) {
        BrokerState broker = brokers.get(brokerAlias);
        if (broker == null) {
            throw new IllegalArgumentException("no broker with alias " + brokerAlias);
        }
        return new BrokerPoll(broker.plan(), clock.instant());
    }

    /** A poll that also keeps the clients nobody monitors ({@code check --all}). */
    public BrokerPoll startPoll(String brokerAlias, boolean everyClient) {
        BrokerPoll poll = startPoll(brokerAlias);
        return everyClient ? poll.keepingEveryClient() : poll;
    }

    /** Applies a finished poll: per-client state on success, health either way. */
    public void complete(BrokerPoll poll) {
        BrokerState polled;
        try {
            polled = apply(poll);
        } finally {
            changes.incrementAndGet(); // after the change: a scrape that saw the old count renders again
        }
        afterEveryPoll.forEach(Runnable::run);
        if (polled != null) {
            pollListeners.forEach(listener -> listener.accept(polled));
        }
    }

    /** An event changed a client: a scrape renders again. */
    public void eventApplied() {
        changes.incrementAndGet();
    }

    /** Called after every poll is applied, failed ones too (used to render /metrics before the next scrape). */
    public void afterEveryPoll(Runnable listener) {
        afterEveryPoll.add(listener);
    }

    /**
     * Grows with every change of the client state or of a broker's health, so a scrape can reuse an exposition
     * rendered at the same count (see {@code ScrapeResponder}).
     */
    public long changes() {
        return changes.get();
    }

    /** @return the broker, if the poll succeeded (to notify the listeners), else null */
    private BrokerState apply(BrokerPoll poll) {
        BrokerState broker = brokers.get(poll.brokerAlias());
        if (broker == null) {
            return null; // removed from the configuration while polling
        }
        learnFrom(broker, poll);
        if (!poll.succeeded()) {
            PollFailure failure = poll.failure() != null ? poll.failure()
                    : new PollFailure(PollFailure.Reason.INVALID_RESPONSE, "the poll ended before all pages were read");
            PollFailure previous = broker.health().failed(failure, poll.elapsedSeconds(), poll.requests());
            if (previous == null || previous.reason() != failure.reason() || !Objects.equals(previous.message(), failure.message())) {
                LOG.warn("broker {}: poll failed ({}): {}; last-known client values are kept, emqx_client_monitor_up is 0",
                        broker.alias(), failure.reason().label(), failure.message());
            }
            return null;
        }
        Instant now = clock.instant();
        broker.forgetRetiredBefore(now.minus(removedClientRetention));
        broker.admitPatternClients(poll.admission().admitted(), now);
        Map<String, ClientRecord> records = poll.records();
        for (ClientState client : broker.clients()) {
            if (!poll.covers(client.client().clientId())) {
                continue; // configured while this poll ran: its first poll is the next one
            }
            ClientRecord record = records.get(client.client().clientId());
            if (record != null) {
                broker.eventFeed().countMissed(client.observe(record, now));
                reportInvalid(broker, client, record);
            } else {
                client.absent(now, poll.startedAt());
            }
        }
        patternBookkeeping(broker, poll, now);
        boolean recovered = broker.health().lastFailure() != null;
        broker.health().succeeded(now, poll.elapsedSeconds(), poll.requests());
        if (recovered) {
            LOG.info("broker {}: EMQX answers again; polling resumed", broker.alias());
        }
        return broker;
    }

    /** Refusals beyond the bound (one WARN per broker and process), and pattern clients gone for too long. */
    private static void patternBookkeeping(BrokerState broker, BrokerPoll poll, Instant now) {
        io.emqxclientmonitor.config.ClientPattern pattern = broker.config().pattern();
        if (!pattern.configured()) {
            return;
        }
        if (broker.patternStats().refusedThisPoll(poll.admission().refused())) {
            LOG.warn("broker {}: the pattern ({}) matches more clients than monitor.max-clients={}; {} new match(es) not "
                            + "watched (counted in emqx_client_monitor_pattern_clients_refused_total): raise monitor.max-clients "
                            + "or narrow emqx.clients.like/emqx.clients.pattern (logged once)",
                    broker.alias(), pattern.describe(), pattern.maxClients(), poll.admission().refused().size());
        }
        if (broker.patternClientIds().isEmpty() && poll.admission().admitted().isEmpty()
                && poll.admission().refused().size() == 0 && broker.patternStats().firstEmptyScan()) {
            LOG.warn("broker {}: the pattern ({}) matches none of the clients EMQX lists: check emqx.clients.like and "
                    + "emqx.clients.pattern for a typo (logged once; a fleet that is all offline with clean sessions "
                    + "looks the same)", broker.alias(), pattern.describe());
        }
        List<io.emqxclientmonitor.config.MonitoredClient> forgotten =
                broker.forgetPatternClientsListedBefore(now.minus(pattern.forgetAfter()));
        if (!forgotten.isEmpty()) {
            LOG.info("broker {}: {} client(s) matched by the pattern not listed by EMQX for monitor.forget-after ({}) are "
                    + "forgotten, their series removed (e.g. {})", broker.alias(), forgotten.size(), pattern.forgetAfter(),
                    forgotten.get(0).clientId());
        }
    }

    private static void reportInvalid(BrokerState broker, ClientState client, ClientRecord record) {
        if (record.invalidFields() == 0) {
            return;
        }
        broker.health().countInvalidValues(Long.bitCount(record.invalidFields()));
        long fresh = client.firstTimeInvalid(record.invalidFields());
        if (fresh != 0) {
            LOG.info("broker {}: client {} ({}): EMQX sent {} that is not a count from 0 to 2^53; ignored, the series keeps "
                            + "its last value (counted in emqx_client_monitor_invalid_values_total, logged once per field)",
                    broker.alias(), client.client().alias(), client.client().clientId(),
                    new ClientRecord(null, null, false, null, null, null, 0, 0, 0, record.counters(), fresh).invalidFieldNames());
        }
    }

    private void learnFrom(BrokerState broker, BrokerPoll poll) {
        if (poll.filterIgnoredDetected() && !broker.fullListMode()) {
            LOG.warn("broker {}: EMQX ignores the clientid filter (EMQX before 5.6): reading the full client list instead", broker.alias());
        }
        broker.learn(poll.fullList(), poll.maxRequestLine(), poll.fullListLimit());
    }

    /** Called after every successful poll of a broker (used to save the state file). */
    public void onPollCompleted(Consumer<BrokerState> listener) {
        pollListeners.add(listener);
    }

    /** Views of every configured client, broker by broker in configuration order. */
    public List<ClientView> views() {
        List<ClientView> views = new ArrayList<>();
        for (BrokerState broker : brokers.values()) {
            for (ClientState client : broker.clients()) {
                views.add(client.view());
            }
        }
        return views;
    }

    public Clock clock() {
        return clock;
    }
}
