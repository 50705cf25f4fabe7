package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.EmqxCounter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.emqxclientmonitor.state.PollDriver.T0;
import static io.emqxclientmonitor.state.PollDriver.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EMQX may list one client twice in one answer with the same connected_at: the two rows of a session takeover, a
 * row repeated within a page or across pages. Both describe the same session; which one comes first must not matter.
 */
class DuplicateRowsTest {
    private static final Instant SESSION = T0.minusSeconds(60);

    @Test
    @DisplayName("two rows of one session in flipping order count the session once: a true 1,008 stays 1,008")
    void flippingDuplicatesOfOneSessionNeverAdd() {
        PollDriver emqx = new PollDriver(List.of("c"));
        Map<String, Object> fresh = row("c", true, SESSION, "recv_msg", 1008, "send_msg", 7);
        Map<String, Object> stale = row("c", true, SESSION, "recv_msg", 1000, "send_msg", 9);
        for (int poll = 0; poll < 8; poll++) {
            emqx.pollOnePage(poll % 2 == 0 ? List.of(fresh, stale) : List.of(stale, fresh));
        }
        assertEquals(1008, emqx.counter("c", EmqxCounter.RECV_MSG));
        assertEquals(9, emqx.counter("c", EmqxCounter.SEND_MSG), "per counter, the larger value of the session");
        assertEquals(1, emqx.view("c").connects());
    }

    @Test
    @DisplayName("a duplicate repeated across pages counts once, whichever page has the larger values")
    void duplicatesAcrossPagesNeverAdd() {
        PollDriver emqx = new PollDriver(List.of("c", "d"));
        Map<String, Object> a = row("c", true, SESSION, "recv_msg", 500);
        Map<String, Object> b = row("c", true, SESSION, "recv_msg", 499);
        Map<String, Object> d = row("d", true, SESSION, "recv_msg", 1);
        for (int poll = 0; poll < 6; poll++) {
            emqx.poll(poll % 2 == 0 ? List.of(List.of(a, d), List.of(b)) : List.of(List.of(b), List.of(d, a)));
        }
        assertEquals(500, emqx.counter("c", EmqxCounter.RECV_MSG));
    }

    @Test
    @DisplayName("a poll that lists only the stale row of a session keeps the session's larger count (no reset)")
    void aStaleRowAloneIsNoReset() {
        PollDriver emqx = new PollDriver(List.of("c"));
        emqx.pollOnePage(List.of(row("c", true, SESSION, "recv_msg", 1008)));
        emqx.pollOnePage(List.of(row("c", true, SESSION, "recv_msg", 1000)));
        emqx.pollOnePage(List.of(row("c", true, SESSION, "recv_msg", 1010)));
        assertEquals(1010, emqx.counter("c", EmqxCounter.RECV_MSG));
    }

    @Test
    @DisplayName("of a takeover, the connected row of the newer session wins, in either order")
    void theNewerConnectedSessionWins() {
        PollDriver emqx = new PollDriver(List.of("c"));
        emqx.pollOnePage(List.of(row("c", true, SESSION, "recv_msg", 100)));
        Map<String, Object> old = row("c", false, SESSION, "recv_msg", 120);
        Map<String, Object> fresh = row("c", true, SESSION.plusSeconds(30), "recv_msg", 5);
        emqx.pollOnePage(List.of(old, fresh));
        emqx.pollOnePage(List.of(fresh, old));
        assertEquals(100 + 5, emqx.counter("c", EmqxCounter.RECV_MSG));
        assertEquals(2, emqx.view("c").connects());
    }

    @Test
    @DisplayName("a row of an older session, listed alone after the newer one was seen, changes no counter")
    void aRowOfAnOlderSessionIsStale() {
        PollDriver emqx = new PollDriver(List.of("c"));
        Map<String, Object> fresh = row("c", true, SESSION.plusSeconds(30), "recv_msg", 50);
        Map<String, Object> old = row("c", false, SESSION, "recv_msg", 120);
        emqx.pollOnePage(List.of(row("c", true, SESSION, "recv_msg", 100)));
        emqx.pollOnePage(List.of(fresh));
        for (int poll = 0; poll < 4; poll++) {
            emqx.pollOnePage(List.of(poll % 2 == 0 ? old : fresh));
        }
        assertEquals(100 + 50, emqx.counter("c", EmqxCounter.RECV_MSG));
    }
}
