package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitoredClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One poll of one broker, walked by the poll route: which request comes next, what each page means, which rows
 * to keep. Knows EMQX's quirks: repeated {@code clientid} filters in as few requests as the request line allows,
 * paging on {@code meta.hasnext}, brokers before 5.6 that ignore the filter, takeover duplicates. A broker with a
 * {@link io.emqxclientmonitor.config.ClientPattern} gets one more paged scan, {@code like_clientid=…} (EMQX ignores
 * it next to {@code clientid=}, so it cannot share the batches); in full-list mode the full list serves both.
 * Used by one thread at a time (the route's).
 */
public final class BrokerPoll {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BrokerPoll.class);
    /** Pages of one batch when EMQX sends no {@code meta.count} to derive a bound from. */
    static final int MAX_PAGES_WITHOUT_COUNT = 10_000;
    /** A poll makes no new request once it has run this many poll intervals. */
    public static final int POLL_INTERVALS_PER_POLL = 3;

    private final PollPlan plan;
    private final BrokerConfig broker;
    private final String rawPath;
    private final Set<String> monitored = new HashSet<>();
    private final List<String> monitoredInOrder;
    private final Map<String, ClientRecord> records = new HashMap<>();
    private final WatchedClients watched;
    private PatternAdmission admission;
    /** Index of the pattern scan in {@link #batches}, or -1 when this poll makes none. */
    private int patternScanIndex = -1;
    private final Instant startedAt;
    private final long startedNanos = System.nanoTime();

    private boolean fullList;
    /** Ask for {@link ClientsQuery#FIELDS}: on filtered requests, unless the broker refused them. */
    private boolean fields;
    private int maxRequestLine;
    private int fullListLimit;
    private List<List<String>> batches;
    private Set<String> currentBatch = Set.of();
    private int batchIndex;
    private int page = 1;
    private boolean pageDone;
    private boolean finished;
    private PollFailure failure;
    private int requests;
    private boolean reachabilityOnly;
    private int skippedRows;
    private boolean filterIgnoredDetected;
    private boolean everyClient;
    private long largestCount = -1;
    private java.time.Duration timeLimit;

    public BrokerPoll(PollPlan plan, Instant startedAt) {
        this.plan = plan;
        this.broker = plan.broker();
        this.startedAt = startedAt;
        this.rawPath = broker.apiUrl().getRawPath() + "/v5/clients";
        this.monitoredInOrder = broker.clients().stream().map(MonitoredClient::clientId).toList();
        this.monitored.addAll(monitoredInOrder);
        this.watched = new WatchedClients(broker);
        this.fullList = plan.fullList();
        this.fields = plan.fields().wanted() && !fullList;
        this.maxRequestLine = plan.maxRequestLine();
        this.fullListLimit = plan.pageLimit();
        replan();
    }

    private void replan() {
        records.clear();
        admission = new PatternAdmission(plan.patternClients(), broker.pattern().maxClients());
        largestCount = -1;
        batchIndex = 0;
        page = 1;
        patternScanIndex = -1;
        reachabilityOnly = monitoredInOrder.isEmpty() && !everyClient && !broker.pattern().configured();
        if (reachabilityOnly) {
            // a shard that owns none of this broker's clients: one row, so that emqx_client_monitor_up still means
            // EMQX answered (never a full scan for nothing)
            batches = List.of(List.of());
        } else if (fullList) {
            batches = List.of(List.of());
        } else {
            try {
                batches = new java.util.ArrayList<>(
                        ClientsQuery.batches(monitoredInOrder, rawPath, PollPlan.FILTERED_LIMIT, maxRequestLine, fields));
                if (broker.pattern().configured()) {
                    patternScanIndex = batches.size();
                    batches.add(List.of());
                }
            } catch (IllegalArgumentException e) {
                fail(PollFailure.Reason.HTTP_4XX, e.getMessage() + ": shorten that client id or raise emqx.max-request-line");
            }
        }
        finished = batches == null || batches.isEmpty();
    }

    /** The current request is the pattern's own scan (not a batch of explicit ids, not the full list). */
    private boolean scanning() {
        return batchIndex == patternScanIndex;
    }

    /** {@code limit} of the current request. */
    private int currentLimit() {
        return fullList || scanning() ? fullListLimit : PollPlan.FILTERED_LIMIT;
    }

    /** Keeps every client EMQX lists, not only the monitored ones ({@code check --all}): reads the full list. */
    public BrokerPoll keepingEveryClient() {
        everyClient = true;
        fullList = true;
        replan();
        return this;
    }

    /**
     * Bounds the poll in time: no new request once {@code pollInterval} × {@value #POLL_INTERVALS_PER_POLL} has
     * passed; the poll then fails as {@code timeout}.
     */
    public BrokerPoll limitedTo(java.time.Duration pollInterval) {
        this.timeLimit = pollInterval.multipliedBy(POLL_INTERVALS_PER_POLL);
        return this;
    }

    /** Whether this poll asked for the client, so its absence from the answer means something. */
    public boolean covers(String clientId) {
        return monitored.contains(clientId) || watched.byPattern(clientId);
    }

    /** Who this poll watches (explicit list, pattern). */
    public WatchedClients watched() {
        return watched;
    }

    /** The pattern matches this poll took in and refused (see {@code monitor.max-clients}). */
    public PatternAdmission admission() {
        return admission;
    }

    public String brokerAlias() {
        return broker.alias();
    }

    public BrokerConfig broker() {
        return broker;
    }

    public boolean hasNextRequest() {
        if (!finished && failure == null && timeLimit != null && elapsedSeconds() > timeLimit.toNanos() / 1e9) {
            fail(PollFailure.Reason.TIMEOUT, "the poll was still paging after " + timeLimit.toSeconds() + " s ("
                    + POLL_INTERVALS_PER_POLL + " poll intervals): EMQX answers too slowly or never ends its client list");
        }
        return !finished && failure == null;
    }

    /** The query string of the next request; counts it. */
    public String nextQuery() {
        requests++;
        List<String> ids = batches.get(batchIndex);
        currentBatch = new HashSet<>(ids);
        String query = ClientsQuery.page(page, reachabilityOnly ? 1 : currentLimit(), ids, fields && !reachabilityOnly);
        String like = broker.pattern().like();
        return scanning() && like != null ? query + "&like_clientid=" + ClientsQuery.encode(like) : query;
    }

    /** HTTP Basic credentials for EMQX's API key, sent with every request (preemptively). */
    public String authorization() {
        String pair = broker.apiKey() + ":" + broker.apiSecret();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads one page of {@code GET /clients} and returns its rows, or an empty list when the page was
     * discarded (failure, or EMQX turned out to ignore the filter and the poll starts over with the full list).
     */
    public List<Object> acceptPage(Object body) {
        if (failure != null) {
            return List.of();
        }
        List<?> data;
        Boolean hasNext;
        if (body instanceof ClientsPage page && page.data() != null) {
            data = page.data();
            hasNext = page.hasNext();
            if (page.count() != null) {
                largestCount = Math.max(largestCount, page.count());
            }
        } else if (body instanceof Map<?, ?> envelope && envelope.get("data") instanceof List<?> list) {
            data = list;
            hasNext = envelope.get("meta") instanceof Map<?, ?> meta && meta.get("hasnext") instanceof Boolean b ? b : null;
        } else {
            throw new InvalidResponseException("EMQX's answer has no 'data' list: is " + broker.apiUrl()
                    + " EMQX's API base (…:18083/api)?");
        }
        if (reachabilityOnly) {
            finished = true;
            return List.of();
        }
        int limit = currentLimit();
        if (fields && plan.fields().accept()) {
            LOG.info("broker {}: EMQX accepts fields=… again; asking for only the fields the exporter reads", broker.alias());
        }
        if (!fullList && !scanning() && filterIgnored(data)) {
            filterIgnoredDetected = true;
            fullList = true;
            fields = false; // EMQX before 5.6: it ignores fields= too
            replan();
            return List.of();
        }
        advance(hasNext != null ? hasNext : data.size() >= limit); // EMQX 5.0.0-5.0.14 has no hasnext
        @SuppressWarnings("unchecked")
        List<Object> rows = (List<Object>) data;
        return rows;
    }

    /** EMQX before 5.6 drops the unknown {@code clientid} parameter and lists everyone. */
    private boolean filterIgnored(List<?> data) {
        for (Object row : data) {
            if (row instanceof Map<?, ?> map && map.get("clientid") instanceof String id
                    && !currentBatch.contains(id) && Boolean.TRUE.equals(map.get("connected"))) {
                return true;
            }
        }
        return false;
    }

    private void advance(boolean hasNext) {
        if (hasNext) {
            page++;
            int limit = currentLimit();
            if (largestCount >= 0) {
                long announced = Math.max(1, (largestCount + limit - 1) / limit);
                long bound = 2 * announced + 1; // slack: rows shift between pages while clients come and go
                if (page > bound) {
                    fail(PollFailure.Reason.INVALID_RESPONSE, "EMQX kept answering hasnext:true past page " + bound
                            + " although its meta.count of " + largestCount + " at limit " + limit + " means " + announced
                            + " page(s): a broken EMQX, or a proxy that rewrites its answers?");
                }
            } else if (page > MAX_PAGES_WITHOUT_COUNT) {
                fail(PollFailure.Reason.INVALID_RESPONSE, "EMQX kept answering hasnext:true for "
                        + MAX_PAGES_WITHOUT_COUNT + " pages (and sent no meta.count)");
            }
            return;
        }
        largestCount = -1;
        page = 1;
        batchIndex++;
        finished = batchIndex >= batches.size();
    }

    /** Whether to keep a row: a watched client's (explicit or by pattern), or any client's when keeping every client. */
    public boolean isMonitored(Object row) {
        return row instanceof Map<?, ?> map && map.get("clientid") instanceof String id
                && (everyClient || watched.watched(id) != null);
    }

    /**
     * Keeps a watched row; several rows of one client are combined by {@link ClientRecord#ofOneClient}. A pattern
     * match beyond {@code monitor.max-clients} is refused here, before its record takes memory.
     */
    public void observe(Object row) {
        ClientRecord record = ClientRecordParser.parse(row);
        io.emqxclientmonitor.config.MonitoredClient client = record == null ? null : watched.watched(record.clientId());
        if (record == null || (client == null && !everyClient)) {
            skippedRows++;
            return;
        }
        if (client != null && !watched.isExplicit(client.clientId()) && !admission.admit(client.clientId(), client.alias())
                && !everyClient) {
            return;
        }
        records.merge(record.clientId(), record, ClientRecord::ofOneClient);
    }

    /** EMQX answered 414: the request line is too long for it (or for a proxy in front). */
    public boolean shrinkRequestLine() {
        if (fullList || maxRequestLine <= 1024) {
            return false;
        }
        maxRequestLine = maxRequestLine * 3 / 4;
        replan();
        return true;
    }

    /**
     * EMQX answered 400 to a request with {@code fields=}: a release whose schema lacks one of the names. The poll
     * starts over asking for all fields, and so do the broker's later polls until {@link FieldsParameter} asks again.
     *
     * @return false when this request had no {@code fields=} (the 400 is about something else)
     */
    public boolean dropFields() {
        if (!fields) {
            return false;
        }
        fields = false;
        plan.fields().refuse();
        replan();
        return true;
    }

    /** Whether requests ask for only the fields the exporter reads. */
    public boolean asksForFields() {
        return fields;
    }

    /** EMQX answered 400 to a full-list page: before 5.5 {@code limit} may not exceed 1000. */
    public boolean shrinkPageLimit() {
        if (!(fullList || scanning()) || fullListLimit <= PollPlan.SMALLEST_FULL_LIST_LIMIT) {
            return false;
        }
        fullListLimit = PollPlan.SMALLEST_FULL_LIST_LIMIT;
        replan();
        return true;
    }

    public void fail(PollFailure.Reason reason, String message) {
        if (failure == null) {
            failure = new PollFailure(reason, message);
        }
    }

    public PollFailure failure() {
        return failure;
    }

    public boolean succeeded() {
        return failure == null && finished;
    }

    public Map<String, ClientRecord> records() {
        return Collections.unmodifiableMap(records);
    }

    public Instant startedAt() {
        return startedAt;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    public int requests() {
        return requests;
    }

    public int skippedRows() {
        return skippedRows;
    }

    public boolean filterIgnoredDetected() {
        return filterIgnoredDetected;
    }

    public boolean fullList() {
        return fullList;
    }

    public int maxRequestLine() {
        return maxRequestLine;
    }

    public int fullListLimit() {
        return fullListLimit;
    }

    public int batchCount() {
        return batches == null ? 0 : batches.size();
    }
}
