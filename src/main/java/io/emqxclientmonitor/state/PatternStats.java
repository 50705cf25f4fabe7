package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.IdHashSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refusals of pattern matches beyond {@code monitor.max-clients}. A client counts once per stretch of consecutive
 * successful polls that refused it (not once per poll, which would grow with the poll rate, and not once ever, which
 * would need every refused id kept forever): the counter's rate is new clients turned away.
 */
public final class PatternStats {
    private final AtomicLong refused = new AtomicLong();
    private IdHashSet refusedLastPoll = new IdHashSet();
    private boolean warned;
    private boolean emptyScanWarned;

    /** True the first time a successful poll found no match at all (then never again in this process). */
    synchronized boolean firstEmptyScan() {
        if (emptyScanWarned) {
            return false;
        }
        emptyScanWarned = true;
        return true;
    }

    /** @return whether this is the first refusal on this broker (to WARN once) */
    synchronized boolean refusedThisPoll(IdHashSet refusedNow) {
        refused.addAndGet(refusedNow.countNotIn(refusedLastPoll));
        refusedLastPoll = refusedNow;
        if (refusedNow.size() > 0 && !warned) {
            warned = true;
            return true;
        }
        return false;
    }

    /** Pattern matches refused because the bound was reached (see the class comment for how a client counts). */
    public long refused() {
        return refused.get();
    }

    /** Matches refused by the last successful poll. */
    public synchronized int refusedLastPoll() {
        return refusedLastPoll.size();
    }
}
