package io.emqxclientmonitor.emqx;

/**
 * Whether to ask a broker for only the fields the exporter reads ({@code fields=…}, EMQX 5.6+), as learnt from
 * its answers: asked until the broker refuses the list (400: a release whose schema lacks one of the names, or a
 * flaky proxy), then not for {@link PollPlan#POLLS_BETWEEN_PROBES} polls, the interval after which the
 * clientid-filter fallback tries the filter again; then one poll asks again. One per broker, shared by its polls.
 * Before 5.6 EMQX ignores the parameter.
 */
public final class FieldsParameter {
    private boolean refused;
    private int pollsSinceRefusal;

    /** Asked once per poll: whether this poll asks for fields (a refused list is tried again now and then). */
    public synchronized boolean wanted() {
        if (!refused) {
            return true;
        }
        if (++pollsSinceRefusal >= PollPlan.POLLS_BETWEEN_PROBES) {
            pollsSinceRefusal = 0;
            return true;
        }
        return false;
    }

    /** @return whether this is news (the first refusal since the list was last accepted) */
    synchronized boolean refuse() {
        boolean first = !refused;
        refused = true;
        pollsSinceRefusal = 0;
        return first;
    }

    /** The broker answered a request with {@code fields=}. @return whether this is news (accepted again after a refusal) */
    synchronized boolean accept() {
        boolean news = refused;
        refused = false;
        return news;
    }
}
