package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;

/**
 * How to ask a broker for its clients this time, as learnt from earlier polls.
 *
 * @param fullList       page through every client (EMQX before 5.6 ignores the {@code clientid} filter)
 * @param maxRequestLine request-line budget in bytes (EMQX/Cowboy answers 414 above 8000)
 * @param pageLimit      {@code limit} for full-list paging (EMQX before 5.5 accepts at most 1000)
 * @param fields         whether to ask for only the fields the exporter reads (the broker's, shared across polls)
 * @param patternClients the clients already watched by the broker's pattern (they count against the bound)
 */
public record PollPlan(BrokerConfig broker, boolean fullList, int maxRequestLine, int pageLimit, FieldsParameter fields,
                       java.util.Set<String> patternClients) {
    public PollPlan {
        patternClients = patternClients == null ? java.util.Set.of() : patternClients;
    }

    /** No client watched by pattern yet. */
    public PollPlan(BrokerConfig broker, boolean fullList, int maxRequestLine, int pageLimit, FieldsParameter fields) {
        this(broker, fullList, maxRequestLine, pageLimit, fields, java.util.Set.of());
    }

    /** A plan that asks for fields until this poll learns otherwise. */
    public PollPlan(BrokerConfig broker, boolean fullList, int maxRequestLine, int pageLimit) {
        this(broker, fullList, maxRequestLine, pageLimit, new FieldsParameter());
    }

    /**
     * After this many polls without a parameter a broker refused (the clientid filter, {@code fields=}), ask with
     * it again (EMQX may have been upgraded, a proxy may have stopped refusing it): every few hours at the usual intervals.
     */
    public static final int POLLS_BETWEEN_PROBES = 240;

    /** {@code limit} for filtered batches: every EMQX version accepts it and it covers a full batch. */
    public static final int FILTERED_LIMIT = 1000;
    public static final int SMALLEST_FULL_LIST_LIMIT = 1000;
}
