package io.emqxclientmonitor.simulator;

import java.time.Duration;

/**
 * What the faults say to do with one request.
 *
 * @param delay   how long to wait first, {@link Duration#ZERO} for no wait
 * @param outcome the fault that replaces the normal answer, or null for none
 */
record FaultPlan(Duration delay, Fault outcome) {

    static final FaultPlan NONE = new FaultPlan(Duration.ZERO, null);
}
