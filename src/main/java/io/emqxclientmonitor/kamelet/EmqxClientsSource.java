package io.emqxclientmonitor.kamelet;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.CaBundle;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.EmqxEndpoints;
import io.emqxclientmonitor.emqx.FailureClassifier;
import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.emqx.PollPlan;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Java steps of the Kamelet {@code emqx-clients-source} ({@code kamelets/emqx-clients-source.kamelet.yaml}).
 * The Kamelet declares one instance per Kamelet route (a template-local bean) and sets its properties from the
 * Kamelet's parameters; its steps call the methods below. The state of the running poll travels in the exchange
 * property {@value #POLL}; this bean keeps the configuration and what earlier polls learnt about the broker
 * (EMQX before 5.6 ignores the {@code clientid} filter; request-line and page-size limits).
 *
 * <p>It reuses the exporter's EMQX logic ({@link BrokerPoll}, {@link FailureClassifier}, {@link EmqxEndpoints})
 * but none of its state: no tracker, no meters, no configuration properties.
 */
public final class EmqxClientsSource {
    /** Exchange property holding the running {@link SourcePoll}. */
    public static final String POLL = "emqxClientsPoll";

    private static final Logger LOG = LoggerFactory.getLogger(EmqxClientsSource.class);
    private static final int FULL_LIST_START_LIMIT = 10_000;
    /** As the exporter does: after this many polls of the full list, try the filter again (EMQX may have been upgraded). */
    private static final int POLLS_BETWEEN_FILTER_PROBES = 240;
    private static final long MAX_RETRY_DELAY_MILLIS = 10_000;
    /** The exporter's setting names in {@link FailureClassifier}'s advice, and the Kamelet parameter to check instead. */
    private static final Map<String, String> PARAMETER_NAMES = Map.of(
            "emqx.url", "apiUrl",
            "emqx.api.key", "apiKey",
            "emqx.api.secret", "secretKey",
            "emqx.timeout-seconds", "timeoutSeconds",
            "emqx.tls.ca-bundle", "caBundle",
            "emqx.max-request-line", "maxRequestLine");

    private String apiUrl;
    private String apiKey;
    private String secretKey;
    private String clientIds;
    private String brokerAlias = "emqx";
    private String period = "15000";
    private int timeoutSeconds = 5;
    private int attempts = 3;
    private long retryDelay = 500;
    private int maxRequestLine = 8000;
    private String caBundle;
    private boolean insecure;

    private BrokerConfig broker;
    private EmqxEndpoints endpoints;
    private String endpoint;

    private boolean fullList;
    private int learntMaxRequestLine;
    private int fullListLimit = FULL_LIST_START_LIMIT;
    private final io.emqxclientmonitor.emqx.FieldsParameter fields = new io.emqxclientmonitor.emqx.FieldsParameter();
    private int pollsSinceFilterProbe;
    private PollFailure lastFailure;

    /** Checks the parameters once, when the Kamelet route is created: a mistake stops the start with one clear line. */
    public synchronized void init() {
        checkPeriod();
        if (brokerAlias == null || brokerAlias.isBlank()) {
            // rejected, not replaced: the route's EmqxBroker header is the parameter as written
            throw new IllegalArgumentException("emqx-clients-source: brokerAlias is blank: leave it out (it defaults to emqx)"
                    + " or name the broker, e.g. eu-west");
        }
        broker = brokerConfig();
        learntMaxRequestLine = maxRequestLine;
    }

    /** The timer reads period itself, and takes 0 as "fire once" and odd text as it likes: checked here first. */
    private void checkPeriod() {
        String written = period == null ? "" : period.trim();
        long millis;
        try {
            millis = Long.parseLong(written);
        } catch (NumberFormatException e) {
            millis = 0;
        }
        if (millis < 1) {
            throw new IllegalArgumentException("emqx-clients-source: period='" + written
                    + "' is not a whole number of milliseconds of at least 1: write it like 15000");
        }
    }

    private BrokerConfig brokerConfig() {
        URI url = apiBase();
        if (apiKey == null || apiKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("emqx-clients-source: apiKey and secretKey are required: an API key and its secret from EMQX's dashboard (System > API Keys)");
        }
        Set<String> ids = new LinkedHashSet<>();
        String written = clientIds;
        var repaired = io.emqxclientmonitor.config.Utf8ReadAsLatin1.repaired(written);
        if (repaired.isPresent()) {
            LOG.warn("emqx-clients-source: clientIds is UTF-8 that was read as ISO-8859-1 (Camel's default for properties "
                    + "files); using it as UTF-8. To silence this, write non-ASCII characters as \\uXXXX escapes (ü as \\u00fc)");
            written = repaired.get();
        }
        for (String id : (written == null ? "" : written).split(",")) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("emqx-clients-source: clientIds is empty: give the MQTT client ids to watch, separated by commas");
        }
        if (timeoutSeconds < 1 || attempts < 1 || retryDelay < 0 || maxRequestLine < 1024) {
            throw new IllegalArgumentException("emqx-clients-source: timeoutSeconds and attempts must be at least 1, retryDelay at least 0, maxRequestLine at least 1024");
        }
        List<MonitoredClient> clients = new ArrayList<>();
        ids.forEach(id -> clients.add(new MonitoredClient(id, id)));
        Path ca = caBundle == null || caBundle.isBlank() ? null : Path.of(caBundle.trim());
        if (ca != null) {
            try {
                CaBundle.validate(ca, "emqx-clients-source: caBundle");
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        // the name only has to be unique among the TLS beans EmqxEndpoints binds
        String name = "kamelet-" + brokerAlias + "-" + Integer.toHexString(System.identityHashCode(this));
        return new BrokerConfig(name, brokerAlias, url, apiKey, secretKey, Duration.ofSeconds(timeoutSeconds), attempts,
                new TlsSettings(ca, insecure), clients, null);
    }

    private URI apiBase() {
        String raw = apiUrl == null ? "" : apiUrl.trim();
        if (ConfigLoader.hasUserInfo(raw)) {
            // not echoed: the part before '@' is a password
            throw new IllegalArgumentException("emqx-clients-source: apiUrl has a user name or password in it (…@host): remove"
                    + " it and give the API key and secret as apiKey and secretKey");
        }
        URI uri;
        try {
            uri = URI.create(ConfigLoader.normaliseApiBase(raw));
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("emqx-clients-source: apiUrl='" + raw
                    + "' is not EMQX's API base: write it like http://emqx:18083/api");
        }
        return uri;
    }

    // ---- the steps of the Kamelet route, in the order it calls them ----------------------------------------------

    /** Starts a poll, planned with what earlier polls learnt. */
    public synchronized SourcePoll start(Exchange exchange) {
        if (broker == null) {
            init();
        }
        if (endpoints == null) {
            endpoints = new EmqxEndpoints(exchange.getContext().getRegistry());
            endpoint = endpoints.clientsEndpoint(broker);
        }
        boolean probeFilter = fullList && ++pollsSinceFilterProbe >= POLLS_BETWEEN_FILTER_PROBES;
        if (probeFilter) {
            pollsSinceFilterProbe = 0;
        }
        PollPlan plan = new PollPlan(broker, fullList && !probeFilter, learntMaxRequestLine, fullListLimit, fields);
        return new SourcePoll(new BrokerPoll(plan, Instant.now()));
    }

    public boolean hasNextRequest(@ExchangeProperty(POLL) SourcePoll poll) {
        return poll.brokerPoll().hasNextRequest();
    }

    /** The next request's query: page, limit and a batch of URL-encoded {@code clientid=} filters. */
    public String nextQuery(@ExchangeProperty(POLL) SourcePoll poll) {
        return poll.brokerPoll().nextQuery();
    }

    /** HTTP Basic credentials, sent as a header so they never appear in an endpoint URI. */
    public String authorization(@ExchangeProperty(POLL) SourcePoll poll) {
        return poll.brokerPoll().authorization();
    }

    /** The camel-http endpoint of {@code /v5/clients} with timeouts and TLS options, without credentials. */
    public synchronized String endpoint() {
        return endpoint;
    }

    /** Reads one page and keeps the rows of the monitored clients on it. */
    public void acceptPage(@ExchangeProperty(POLL) SourcePoll poll, @Body Object page) {
        for (Object row : poll.acceptPage(page)) {
            if (poll.brokerPoll().isMonitored(row)) {
                poll.observe(row);
            }
        }
    }

    /**
     * A request failed. Network errors and 5xx are tried again, up to {@code attempts} times in all: this waits
     * first (exponential back-off from {@code retryDelay}), then the route's loop asks for the same request again.
     * After a 414 or a 400 for {@code limit} the poll goes on with smaller requests. Anything else ends the poll
     * with a reason ({@link #hasNextRequest} is then false).
     */
    public void requestFailed(@ExchangeProperty(POLL) SourcePoll poll,
                              @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable error) throws InterruptedException {
        long backOff = nextStep(poll, error);
        if (backOff > 0) {
            Thread.sleep(backOff);
        }
    }

    /** How long to wait before the request is tried again; 0 if it is not (the poll re-plans or ends). */
    private long nextStep(SourcePoll poll, Throwable error) {
        BrokerPoll brokerPoll = poll.brokerPoll();
        if (FailureClassifier.isRetryable(error)) {
            int failed = poll.failedAttempt();
            if (failed < attempts) {
                LOG.debug("broker {}: request failed ({}), attempt {} of {}", brokerAlias, error.getMessage(), failed + 1, attempts);
                return Math.min(MAX_RETRY_DELAY_MILLIS, retryDelay << Math.min(failed - 1, 20));
            }
        }
        if (error instanceof HttpOperationFailedException http) {
            if (http.getStatusCode() == 414 && brokerPoll.shrinkRequestLine()) {
                poll.startOver();
                LOG.warn("broker {}: EMQX answered 414 (request line too long); retrying with requests of at most {} bytes",
                        brokerAlias, brokerPoll.maxRequestLine());
                return 0;
            }
            if (http.getStatusCode() == 400 && brokerPoll.dropFields()) {
                poll.startOver();
                LOG.warn("broker {}: EMQX answered 400 to fields=… (a release that does not know one of the field names);"
                        + " asking for all fields, and for the field list again in {} polls", brokerAlias, PollPlan.POLLS_BETWEEN_PROBES);
                return 0;
            }
            if (http.getStatusCode() == 400 && brokerPoll.shrinkPageLimit()) {
                poll.startOver();
                LOG.warn("broker {}: EMQX refused limit={} (EMQX before 5.5); paging with limit={}",
                        brokerAlias, FULL_LIST_START_LIMIT, brokerPoll.fullListLimit());
                return 0;
            }
        }
        PollFailure failure = FailureClassifier.classify(error, broker);
        brokerPoll.fail(failure.reason(), failure.message());
        return 0;
    }

    /**
     * Whether the poll read every page. Either way the poll's lessons are kept for the next one, and a failure is
     * logged: one WARN line with the reason when it starts or changes, DEBUG while it repeats.
     */
    private synchronized boolean succeeded(SourcePoll poll) {
        BrokerPoll brokerPoll = poll.brokerPoll();
        if (brokerPoll.filterIgnoredDetected() && !fullList) {
            LOG.warn("broker {}: EMQX ignores the clientid filter (EMQX before 5.6): reading the full client list instead", brokerAlias);
        }
        fullList = brokerPoll.fullList();
        learntMaxRequestLine = brokerPoll.maxRequestLine();
        fullListLimit = brokerPoll.fullListLimit();
        if (brokerPoll.succeeded()) {
            if (lastFailure != null) {
                LOG.info("broker {}: EMQX at {} answers again", brokerAlias, broker.apiUrl());
                lastFailure = null;
            }
            return true;
        }
        PollFailure failure = brokerPoll.failure() != null ? brokerPoll.failure()
                : new PollFailure(PollFailure.Reason.INVALID_RESPONSE, "the poll ended before all pages were read");
        if (!failure.equals(lastFailure)) {
            LOG.warn("broker {}: poll of EMQX failed ({}): {}; no records emitted", brokerAlias, failure.reason().label(),
                    inKameletTerms(failure.message()));
        } else {
            LOG.debug("broker {}: poll of EMQX failed again ({})", brokerAlias, failure.reason().label());
        }
        lastFailure = failure;
        return false;
    }

    /**
     * The EMQX rows (JSON objects as Maps, keys as EMQX sends them) of the monitored clients EMQX listed; none if
     * the poll failed (see {@link #succeeded}).
     */
    public List<Map<?, ?>> records(@ExchangeProperty(POLL) SourcePoll poll) {
        if (!succeeded(poll)) {
            return List.of();
        }
        return poll.records(broker.clients().stream().map(MonitoredClient::clientId).toList());
    }

    private static String inKameletTerms(String advice) {
        String text = advice;
        for (Map.Entry<String, String> name : PARAMETER_NAMES.entrySet()) {
            text = text.replace(name.getKey(), name.getValue());
        }
        return text;
    }

    // ---- the Kamelet's parameters --------------------------------------------------------------------------------

    public void setApiUrl(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    public void setClientIds(String clientIds) {
        this.clientIds = clientIds;
    }

    /** Only checked here; the Kamelet's timer has its own copy. */
    public void setPeriod(String period) {
        this.period = period;
    }

    public void setBrokerAlias(String brokerAlias) {
        this.brokerAlias = brokerAlias;
    }

    public void setTimeoutSeconds(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public void setRetryDelay(long retryDelay) {
        this.retryDelay = retryDelay;
    }

    public void setMaxRequestLine(int maxRequestLine) {
        this.maxRequestLine = maxRequestLine;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    public void setInsecure(boolean insecure) {
        this.insecure = insecure;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "EmqxClientsSource[apiUrl=" + apiUrl + ", brokerAlias=" + brokerAlias + "]";
    }
}
