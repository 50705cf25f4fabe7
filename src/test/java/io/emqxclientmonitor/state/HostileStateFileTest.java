package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.support.Exposition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.emqxclientmonitor.state.PollDriver.T0;
import static io.emqxclientmonitor.state.PollDriver.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A state file edited by hand, by a script or by an older bug: negative and huge values, keys in another order,
 * the format as a string. What can be read is restored, a bad value is dropped, and nothing of it ever makes an
 * exposition fail or a counter negative.
 */
class HostileStateFileTest {
    @TempDir
    Path dir;

    private static String file(String formatValue, String client) {
        return "{\"format\":" + formatValue + ",\"counters\":[\"recv_msg\",\"send_msg\",\"recv_oct\"],"
                + "\"histogram_buckets_seconds\":[1,5,10,30,60,300,600,1800,3600,7200,21600,43200,86400,172800,604800],"
                + "\"brokers\":{\"emqx\":{\"c\":" + client + "}}}";
    }

    @Test
    @DisplayName("negative and huge values in the state file are dropped, the rest is restored, and /metrics renders")
    void negativeAndHugeValuesAreDropped() throws Exception {
        Path state = dir.resolve("state.json");
        Files.writeString(state, file("1", "{\"alias\":\"A-c\",\"seen\":true,\"connected\":true,\"connected_at\":1767225540000,"
                + "\"base\":[-5,9223372036854775807,12],\"last\":[100000000000000000000000,3,4],"
                + "\"connects\":-3,\"disconnects\":99999999999999999999,\"keepalive\":-60,\"subscriptions\":-1,"
                + "\"sessions\":{\"completed\":-2,\"shortest_ms\":-1,\"longest_ms\":-9,\"total_ms\":-100},"
                + "\"session_durations\":{\"counts\":[-1,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0],\"sum_seconds\":-50},"
                + "\"events\":[[\"connect\",-99999999999999999],[\"connect\",1767225540000]]}"));
        PollDriver emqx = new PollDriver(List.of("c"));
        new StateFile(state, emqx.clock()).load(emqx.tracker(), false);

        ClientView restored = emqx.view("c");
        assertEquals(0, restored.counter(EmqxCounter.RECV_MSG), "-5 dropped");
        assertEquals(3, restored.counter(EmqxCounter.SEND_MSG), "2^63-1 dropped, the rest kept");
        assertEquals(16, restored.counter(EmqxCounter.RECV_OCT));
        for (long value : restored.counters()) {
            assertTrue(value >= 0, "no negative counter");
        }
        assertTrue(restored.connects() >= 0 && restored.disconnects() >= 0 && restored.keepalive() >= 0);

        emqx.pollOnePage(List.of(row("c", true, T0.minusSeconds(60), "recv_msg", 5, "send_msg", 3, "recv_oct", 4)));
        Exposition metrics = new Exposition(emqx.scrape());
        assertEquals(5, metrics.valueOf("emqx_client_monitor_messages_processed_total", "alias=\"A-c\",broker=\"emqx\",client_id=\"c\",direction=\"rx\""));
        for (String line : metrics.lines()) {
            assertTrue(line.startsWith("#") || !line.endsWith(" -") && !line.contains(" -"), "no negative sample: " + line);
        }
    }

    @Test
    @DisplayName("a state file with its keys sorted (jq -S) loads")
    void sortedKeysLoad() throws Exception {
        Path state = dir.resolve("state.json");
        Files.writeString(state, "{\"brokers\":{\"emqx\":{\"c\":{\"alias\":\"A-c\",\"base\":[7,0,0],\"last\":[1,0,0],\"seen\":true}}},"
                + "\"counters\":[\"recv_oct\",\"send_msg\",\"recv_msg\"],\"format\":1,\"written_at\":\"2026-01-01T00:00:00Z\"}");
        PollDriver emqx = new PollDriver(List.of("c"));
        StateFile.Loaded loaded = new StateFile(state, emqx.clock()).load(emqx.tracker(), false);
        assertEquals(1, loaded.restored());
        assertEquals(8, emqx.view("c").counter(EmqxCounter.RECV_OCT), "by the file's counter list, which came after the brokers");
    }

    @Test
    @DisplayName("\"format\":\"1\" (a string) is format 1")
    void formatAsAString() throws Exception {
        Path state = dir.resolve("state.json");
        Files.writeString(state, file("\"1\"", "{\"alias\":\"A-c\",\"seen\":true,\"base\":[7,0,0],\"last\":[0,0,0]}"));
        PollDriver emqx = new PollDriver(List.of("c"));
        assertEquals(1, new StateFile(state, emqx.clock()).load(emqx.tracker(), false).restored());
        assertEquals(7, emqx.view("c").counter(EmqxCounter.RECV_MSG));
    }

    @Test
    @DisplayName("temporary files left by a killed write are removed at start")
    void leftoverTemporaryFilesAreRemoved() throws Exception {
        Path state = dir.resolve("state.json");
        Path leftover = dir.resolve(".state.json.123456789.tmp");
        Path unrelated = dir.resolve(".other.json.1.tmp");
        Files.writeString(leftover, "{\"format\":1,\"brok");
        Files.writeString(unrelated, "x");
        PollDriver emqx = new PollDriver(List.of("c"));
        new StateFile(state, emqx.clock()).load(emqx.tracker(), false);
        assertTrue(Files.notExists(leftover), "leftover of this state file removed");
        assertTrue(Files.exists(unrelated), "another file's temporary file is left alone");
    }
}
