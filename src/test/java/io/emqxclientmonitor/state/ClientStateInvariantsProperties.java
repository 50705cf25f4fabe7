package io.emqxclientmonitor.state;

import io.emqxclientmonitor.emqx.EmqxCounter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client state machine against a simple model. Random sequences of polls of two clients, whose answers hold
 * duplicate rows in flipping order (in a page and across pages), stale smaller values of a session, extreme numbers up
 * to Long.MAX_VALUE and numbers as strings, absences, failed polls, clients-file changes (removed and restored within
 * the grace period) and restarts from the state file, keep the invariants:
 * <ul>
 *   <li>each exported counter is exactly the model's: the sum over the client's sessions of the largest valid value
 *       EMQX reported for it (so duplicates never add, and a stale or invalid value never counts);</li>
 *   <li>no counter ever decreases and none is negative;</li>
 *   <li>the exposition always renders (and promtool accepts it, when installed).</li>
 * </ul>
 * Seeded and bounded: the same sequences on every run, a few seconds in all.
 */
class ClientStateInvariantsProperties {
    private static final List<String> IDS = List.of("a", "b");
    private static final EmqxCounter[] CHECKED = {EmqxCounter.RECV_MSG, EmqxCounter.SEND_OCT};
    private static final boolean PROMTOOL = onPath("promtool");

    /** The model of one client: its sessions' largest valid values, and what EMQX currently has for it. */
    private static final class Model {
        int session;
        boolean listed = true;
        final long[] current = new long[CHECKED.length];
        final long[] foldedBefore = new long[CHECKED.length];
        final long[] sessionMax = new long[CHECKED.length];

        long expected(int i) {
            return foldedBefore[i] + sessionMax[i];
        }
    }

    @Property(tries = 100, seed = "20260301")
    void countersFollowTheModelNeverDecreaseAndAlwaysRender(@ForAll @Size(min = 1, max = 40) List<Long> steps) throws Exception {
        Path dir = Files.createTempDirectory("invariants");
        try {
            run(steps, dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void run(List<Long> steps, Path dir) throws Exception {
        PollDriver emqx = new PollDriver(IDS);
        Map<String, Model> models = new LinkedHashMap<>();
        IDS.forEach(id -> models.put(id, new Model()));
        Map<String, long[]> exportedBefore = new HashMap<>();
        List<String> configured = IDS;
        boolean everPolled = false;

        for (long step : steps) {
            Random r = new Random(step);
            int kind = r.nextInt(20);
            if (kind == 0) {
                emqx.failedPoll();
            } else if (kind == 1) {
                configured = r.nextBoolean() ? List.of("b") : List.of();
                if (configured.isEmpty()) {
                    configured = List.of("b"); // a broker needs one client: the file loses "a"
                }
                emqx.reconfigure(configured);
            } else if (kind == 2) {
                configured = IDS;
                emqx.reconfigure(configured);
            } else if (kind == 3) {
                emqx.restart(dir.resolve("state.json"));
            } else {
                List<Object> rows = new ArrayList<>();
                for (String id : IDS) {
                    rows.addAll(rowsOf(id, models.get(id), r, configured.contains(id)));
                }
                if (r.nextBoolean()) {
                    Collections.shuffle(rows, r);
                }
                int split = rows.isEmpty() ? 0 : r.nextInt(rows.size() + 1);
                emqx.poll(r.nextBoolean() ? List.of(rows) : List.of(new ArrayList<>(rows.subList(0, split)),
                        new ArrayList<>(rows.subList(split, rows.size()))));
                everPolled = true;
            }
            for (String id : configured) {
                ClientView view = emqx.view(id);
                long[] before = exportedBefore.get(id);
                for (int i = 0; i < CHECKED.length; i++) {
                    long value = view.counter(CHECKED[i]);
                    assertTrue(value >= 0, id + " negative: " + value);
                    if (before != null) {
                        assertTrue(value >= before[i], id + " " + CHECKED[i] + " went down from " + before[i] + " to " + value);
                    }
                    if (view.seen()) {
                        assertEquals(models.get(id).expected(i), value, id + " " + CHECKED[i] + " after steps " + steps);
                    }
                }
                long[] now = new long[CHECKED.length];
                for (int i = 0; i < CHECKED.length; i++) {
                    now[i] = view.counter(CHECKED[i]);
                }
                exportedBefore.put(id, now);
            }
        }
        String exposition = emqx.scrape();
        if (everPolled && PROMTOOL) {
            lint(exposition);
        }
    }

    /**
     * What EMQX lists for one client this poll, and the model's update (only what the exporter can see: a poll that
     * lists a monitored client). EMQX's values grow within a session and restart with a new connected_at.
     */
    private static List<Map<String, Object>> rowsOf(String id, Model m, Random r, boolean monitored) {
        if (r.nextInt(8) == 0) {
            m.listed = !m.listed;
        }
        if (r.nextInt(5) == 0) {
            m.session++;
            java.util.Arrays.fill(m.current, 0);
        }
        for (int i = 0; i < CHECKED.length; i++) {
            m.current[i] += r.nextInt(3) == 0 ? 0 : r.nextInt(2000);
        }
        if (!m.listed) {
            return List.of();
        }
        Instant connectedAt = PollDriver.T0.plusSeconds(10L * m.session);
        List<Map<String, Object>> rows = new ArrayList<>();
        Object[] fresh = new Object[CHECKED.length * 2];
        Object[] stale = new Object[CHECKED.length * 2];
        for (int i = 0; i < CHECKED.length; i++) {
            fresh[2 * i] = CHECKED[i].jsonKey();
            stale[2 * i] = CHECKED[i].jsonKey();
            int form = r.nextInt(12);
            fresh[2 * i + 1] = switch (form) {
                case 0 -> Long.MAX_VALUE - r.nextInt(3);
                case 1 -> "9223372036854775807";
                case 2 -> -1L - r.nextInt(5);
                case 3 -> String.valueOf(m.current[i]);
                default -> m.current[i];
            };
            stale[2 * i + 1] = m.current[i] / 2;
        }
        rows.add(PollDriver.row(id, true, connectedAt, fresh));
        int duplicates = r.nextInt(3);
        for (int d = 0; d < duplicates; d++) {
            rows.add(r.nextBoolean() ? PollDriver.row(id, true, connectedAt, stale) : PollDriver.row(id, true, connectedAt, fresh));
        }
        boolean currentSessionSeen = monitored && seenSession.getOrDefault(m, -1) == m.session;
        List<Map<String, Object>> listed = new ArrayList<>(rows);
        boolean leftoverAlone = false;
        if (m.session > 0 && r.nextInt(4) == 0) {
            // a takeover's leftover row of the previous session, with values that must never count; once the
            // current session is known, EMQX may even list it alone
            Object[] leftover = new Object[CHECKED.length * 2];
            for (int i = 0; i < CHECKED.length; i++) {
                leftover[2 * i] = CHECKED[i].jsonKey();
                leftover[2 * i + 1] = m.current[i] * 3 + 5;
            }
            Map<String, Object> older = PollDriver.row(id, false, connectedAt.minusSeconds(10), leftover);
            if (currentSessionSeen && r.nextBoolean()) {
                listed.clear();
                leftoverAlone = true;
            }
            listed.add(r.nextInt(listed.size() + 1), older);
        }
        if (r.nextBoolean()) {
            Collections.reverse(listed);
        }
        if (leftoverAlone) {
            return listed; // the model learns nothing
        }
        if (monitored) {
            boolean newSession = m.session != seenSession.getOrDefault(m, -1);
            if (newSession) {
                for (int i = 0; i < CHECKED.length; i++) {
                    m.foldedBefore[i] += m.sessionMax[i];
                    m.sessionMax[i] = 0;
                }
                seenSession.put(m, m.session);
            }
            for (int i = 0; i < CHECKED.length; i++) {
                m.sessionMax[i] = Math.max(m.sessionMax[i], bestOf(rows, CHECKED[i].jsonKey()));
            }
        }
        return listed;
    }

    private static final Map<Model, Integer> seenSession = new java.util.IdentityHashMap<>();

    /** The largest valid value (a whole number from 0 to 2^53, as a number or a string) among the rows for this key. */
    private static long bestOf(List<Map<String, Object>> rows, String key) {
        long best = 0;
        for (Map<String, Object> row : rows) {
            Object v = row.get(key);
            long n = v instanceof Long l ? l : v instanceof String s && s.matches("\\d{1,15}") ? Long.parseLong(s) : -1;
            if (n >= 0 && n <= io.emqxclientmonitor.emqx.ClientRecord.MAX_VALUE) {
                best = Math.max(best, n);
            }
        }
        return best;
    }

    private static void lint(String exposition) throws Exception {
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics:\n" + output + "\n" + exposition);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
