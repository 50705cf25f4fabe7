package io.emqxclientmonitor.emqx;

/**
 * Whether to ask a broker for only the fields the exporter reads ({@code fields=…}, EMQX 5.6+), as learnt from
 * its answers: asked until the broker refuses the list (400, a release whose schema lacks one of the names), then
 * never again for this broker. One per broker, shared by its polls. Before 5.6 EMQX ignores the parameter.
 */
public final class FieldsParameter {
    private volatile boolean refused;

    public boolean wanted() {
        return !refused;
    }

    /** @return whether this is news (the first refusal) */
    boolean refuse() {
        boolean first = !refused;
        refused = true;
        return first;
    }
}
