package io.emqxclientmonitor.emqx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the clients watched by pattern within {@code monitor.max-clients} during one poll: clients already remembered
 * always pass; new matches pass in the order they arrive until the bound is reached; the rest are refused.
 */
public final class PatternAdmission {
    /** Refused ids remembered per poll (as hashes, 8 bytes each), to count each once; beyond, a poll stops counting. */
    public static final int MAX_REFUSED_TRACKED = 1_000_000;

    private final Set<String> remembered;
    private final int maxClients;
    private final Map<String, String> admitted = new LinkedHashMap<>();
    private final IdHashSet refused = new IdHashSet();

    /** @param remembered the ids already watched by pattern (not copied: the caller hands over a snapshot) */
    public PatternAdmission(Set<String> remembered, int maxClients) {
        this.remembered = remembered;
        this.maxClients = maxClients;
    }

    /** Whether a pattern match is watched; a new one takes a place under the bound if one is free. */
    public boolean admit(String clientId, String alias) {
        if (remembered.contains(clientId) || admitted.containsKey(clientId)) {
            return true;
        }
        if (remembered.size() + admitted.size() < maxClients) {
            admitted.put(clientId, alias);
            return true;
        }
        if (refused.size() < MAX_REFUSED_TRACKED) {
            refused.add(clientId);
        }
        return false;
    }

    /** New matches taken this poll, by client id, with their aliases, in arrival order. */
    public Map<String, String> admitted() {
        return admitted;
    }

    /** Distinct matches refused this poll (at most {@value #MAX_REFUSED_TRACKED}). */
    public IdHashSet refused() {
        return refused;
    }

    public int maxClients() {
        return maxClients;
    }
}
