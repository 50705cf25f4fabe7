package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.support.Exposition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.emqxclientmonitor.state.PollDriver.T0;
import static io.emqxclientmonitor.state.PollDriver.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One extreme value costs its own series at most: never a negative counter, never a failed scrape of everyone. */
class ExtremeValuesTest {
    private static final String C = "alias=\"A-c\",broker=\"emqx\",client_id=\"c\"";
    private static final String D = "alias=\"A-d\",broker=\"emqx\",client_id=\"d\"";

    @Test
    @DisplayName("counters near 2^63, as numbers or strings, then a new connected_at: no overflow, the bad values are counted")
    void nearTwoToTheSixtyThree() {
        PollDriver emqx = new PollDriver(List.of("c", "d"));
        emqx.pollOnePage(List.of(row("c", true, T0, "recv_msg", 10, "send_msg", 20), row("d", true, T0, "recv_msg", 1)));
        emqx.pollOnePage(List.of(row("c", true, T0, "recv_msg", Long.MAX_VALUE - 1, "send_msg", "9223372036854775807"),
                row("d", true, T0, "recv_msg", 2)));
        emqx.pollOnePage(List.of(row("c", true, T0.plusSeconds(20), "recv_msg", Long.MAX_VALUE, "send_msg", 5),
                row("d", true, T0, "recv_msg", 3)));

        assertEquals(10, emqx.counter("c", EmqxCounter.RECV_MSG), "the extreme values were ignored, the series kept its value");
        assertEquals(25, emqx.counter("c", EmqxCounter.SEND_MSG));
        Exposition metrics = new Exposition(emqx.scrape());
        assertEquals(3, metrics.valueOf("emqx_client_monitor_messages_processed_total", D + ",direction=\"rx\""));
        assertEquals(10, metrics.valueOf("emqx_client_monitor_messages_processed_total", C + ",direction=\"rx\""));
        assertEquals(3, metrics.valueOf("emqx_client_monitor_invalid_values_total", "broker=\"emqx\""));
    }

    @Test
    @DisplayName("a client whose series cannot be made is left out; every other client is exported")
    void oneClientThatCannotBeRenderedDoesNotFailTheScrape() throws Exception {
        PollDriver emqx = new PollDriver(List.of("c", "d"));
        emqx.pollOnePage(List.of(row("c", true, T0, "recv_msg", 10), row("d", true, T0, "recv_msg", 1)));
        // no input can make a count negative any more: force one, as a future bug might
        var connects = ClientState.class.getDeclaredField("connects");
        connects.setAccessible(true);
        connects.setLong(emqx.tracker().broker("emqx").client("c"), -1);

        Exposition metrics = new Exposition(emqx.scrape());
        assertEquals(1, metrics.valueOf("emqx_client_monitor_messages_processed_total", D + ",direction=\"rx\""));
        assertTrue(metrics.samples("emqx_client_monitor_connected").stream().noneMatch(l -> l.contains(C)),
                "the broken client is left out as a whole, not half-exported");
    }
}
