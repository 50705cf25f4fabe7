package io.emqxclientmonitor.simulator;

/** Ways the simulator can misbehave instead of answering a listing request normally. */
enum Fault {
    // Outcomes, in the order they win when several are armed.
    HANG,
    RESET_MID_BODY,
    NODE_DOWN,
    INTERNAL_ERROR,
    GARBAGE,
    TRUNCATED,
    UNAUTHORIZED,
    FORBIDDEN,
    // A modifier: waits, then lets the request go on to whatever else applies.
    DELAY;

    boolean isOutcome() {
        return this != DELAY;
    }
}
