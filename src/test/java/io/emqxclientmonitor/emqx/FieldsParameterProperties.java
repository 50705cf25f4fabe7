package io.emqxclientmonitor.emqx;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Whatever a broker answers, poll after poll: a list it accepted is asked for at every poll; after a refusal it is
 * asked for again exactly every {@link PollPlan#POLLS_BETWEEN_PROBES} polls (never sooner, never later) until
 * accepted; and the news (first refusal, accepted again) is reported once per change.
 */
class FieldsParameterProperties {
    @Property(tries = 200, seed = "20261202")
    void askedAtEveryPollOrExactlyEveryProbeInterval(@ForAll @IntRange(min = 1, max = 2000) int polls, @ForAll long seed) {
        Random random = new Random(seed);
        FieldsParameter fields = new FieldsParameter();
        boolean refused = false;
        int sinceRefusal = 0;
        for (int poll = 0; poll < polls; poll++) {
            boolean wanted = fields.wanted();
            boolean expected = !refused || ++sinceRefusal == PollPlan.POLLS_BETWEEN_PROBES;
            assertEquals(expected, wanted, "poll " + poll);
            if (!wanted) {
                continue;
            }
            sinceRefusal = 0;
            if (random.nextInt(3) == 0) { // the broker (or a proxy) answers 400
                assertEquals(!refused, fields.refuse(), "a refusal is news only after an acceptance");
                refused = true;
            } else {
                assertEquals(refused, fields.accept(), "an acceptance is news only after a refusal");
                refused = false;
            }
        }
    }
}
