package io.emqxclientmonitor.simulator;

/**
 * The EMQX release line the simulator imitates. Only the differences that matter to a
 * {@code GET /api/v5/clients} poller are modelled.
 */
public enum EmqxVersion {
    /** 5.0.x to 5.4.x: {@code limit} at most 1000, no {@code clientid} parameter (silently dropped). */
    V5_4(1_000, false, false),
    /** 5.6+ (modelled on 5.8): {@code limit} at most 10000, repeatable exact {@code clientid} filter. */
    V5_8(10_000, true, true);

    private final int maxLimit;
    private final boolean clientIdFilter;
    private final boolean durableSessionFields;

    EmqxVersion(int maxLimit, boolean clientIdFilter, boolean durableSessionFields) {
        this.maxLimit = maxLimit;
        this.clientIdFilter = clientIdFilter;
        this.durableSessionFields = durableSessionFields;
    }

    /** Largest accepted {@code limit}; anything above is a 400 BAD_REQUEST. */
    public int maxLimit() {
        return maxLimit;
    }

    /** Whether {@code clientid=} narrows the listing; when false the parameter is ignored and everyone is returned. */
    public boolean supportsClientIdFilter() {
        return clientIdFilter;
    }

    /** Whether {@code fields=a,b} projects the rows (5.6+); before, the parameter is ignored like any unknown one. */
    public boolean supportsFieldsParameter() {
        return clientIdFilter;
    }

    /** Whether client rows carry {@code durable} and {@code is_expired} (added in 5.7). */
    public boolean reportsDurableSessionFields() {
        return durableSessionFields;
    }
}
