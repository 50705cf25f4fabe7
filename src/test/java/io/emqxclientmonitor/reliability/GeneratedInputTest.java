package io.emqxclientmonitor.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MetricFlags;
import io.emqxclientmonitor.config.MonitorConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.ClientRecordParser;
import io.emqxclientmonitor.emqx.ClientsPage;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.metrics.ClientMetricsCollector;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.support.Fleets;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generated input (seeded, so every failure is reproducible): EMQX rows with missing fields, {@code null}s,
 * {@code "infinity"}, unknown fields, wrong types, negative and huge numbers, duplicate rows and things that are
 * not rows at all, written as JSON text and read by Jackson as the route does. The parser never throws and keeps
 * every value in its domain; a bad record costs that record (or that field), never the others; exported
 * counters never go down whatever EMQX sends.
 */
class GeneratedInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long[] SEEDS = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597};
    private static final List<String> NUMBER_KEYS = numberKeys();
    private static final List<String> TIME_KEYS = List.of("created_at", "connected_at", "disconnected_at");
    private static final List<String> OTHER_KEYS = List.of("username", "connected", "node", "zone", "durable",
            "is_expired", "subscriptions_max", "mqueue_max", "awaiting_rel_max", "tenant_id_from", "cn", "dn",
            "recv_msg.dropped.unknown_reason", "");

    // ---------------------------------------------------------------- one record

    @Test
    void theParserNeverThrowsAndKeepsEveryValueInItsDomain() throws Exception {
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            for (int i = 0; i < 1500; i++) {
                Map<String, String> fields = randomFields(random);
                String json = object(fields);
                Object row = JSON.readValue(json, Object.class);
                ClientRecord record;
                try {
                    record = ClientRecordParser.parse(row);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ": parse threw on " + json, e);
                }
                Object id = ((Map<?, ?>) row).get("clientid");
                if (!(id instanceof String)) {
                    assertNull(record, "seed " + seed + ": a row without a string clientid is skipped: " + json);
                    continue;
                }
                assertNotNull(record, "seed " + seed + ": " + json);
                assertEquals(id, record.clientId());
                for (EmqxCounter counter : EmqxCounter.all()) {
                    checkNumber(seed, json, fields.get(counter.jsonKey()), record.counter(counter));
                }
                checkNumber(seed, json, fields.get("keepalive"), record.keepalive());
                checkNumber(seed, json, fields.get("subscriptions_cnt"), record.subscriptions());
                checkNumber(seed, json, fields.get("inflight_cnt"), record.inflight());
                for (Instant at : new Instant[]{record.createdAt(), record.connectedAt(), record.disconnectedAt()}) {
                    assertTrue(at == null || at.getEpochSecond() >= 946_684_800L && at.getEpochSecond() < 253_402_300_800L,
                            "seed " + seed + ": a time from 2000 to 9999 or none: " + at + " from " + json);
                }
            }
        }
    }

    @Test
    void theStreamingPageReaderReadsEveryRowAsAFullMapWould() throws Exception {
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                rows.add(random.nextInt(10) == 0 ? badRow(random) : object(randomFields(random)));
            }
            String page = "{\"meta\":{\"count\":1,\"hasnext\":" + random.nextBoolean() + "},\"extra\":[{\"data\":1}],\"data\":["
                    + String.join(",", rows) + "]}";
            Map<?, ?> full = JSON.readValue(page, Map.class);
            ClientsPage streamed = JSON.readValue(page, ClientsPage.class);
            List<?> fullRows = (List<?>) full.get("data");
            assertEquals(fullRows.size(), streamed.data().size(), "seed " + seed);
            assertEquals(((Map<?, ?>) full.get("meta")).get("hasnext"), streamed.hasNext(), "seed " + seed);
            for (int i = 0; i < fullRows.size(); i++) {
                assertEquals(describe(ClientRecordParser.parse(fullRows.get(i))), describe(ClientRecordParser.parse(streamed.data().get(i))),
                        "seed " + seed + ", row " + rows.get(i));
            }
        }
        assertNull(JSON.readValue("[1,2]", ClientsPage.class).data(), "not an object: no data");
        assertNull(JSON.readValue("{\"data\":{\"a\":1}}", ClientsPage.class).data(), "data not a list");
    }

    @Test
    void timestampsReadAsJavaTimeReadsThem() {
        List<String> samples = new ArrayList<>(List.of("2024-02-29T23:59:59.999+08:00", "2023-02-29T00:00:00Z",
                "2024-04-31T00:00:00Z", "2024-12-31T24:00:00Z", "2024-06-30T23:59:60Z", "2024-01-01T00:00:00+18:00",
                "2024-01-01T00:00:00-18:00", "2024-01-01T00:00:00+18:01", "2024-01-01T00:00:00z",
                "2024-01-01t00:00:00Z", "2024-01-01T00:00:00.1234567891Z", "2024-01-01T00:00:00.Z",
                "2024-01-01T00:00:00+05:30:15", "2024-01-01T00:00:00+0530", " 2024-01-01T00:00:00Z ",
                "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-01:00", "2024-1-01T00:00:00Z",
                "2024-01-01T00:00Z", "+2024-01-01T00:00:00Z", "2024-01-01T00:00:00+08:60"));
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder t = new StringBuilder(String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
                    random.nextInt(10_000), random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(62),
                    random.nextInt(62)));
            if (random.nextBoolean()) {
                t.append('.').append(Long.toString(Math.abs(random.nextLong())).substring(0, 1 + random.nextInt(10)));
            }
            t.append(random.nextInt(3) == 0 ? "Z" : String.format(java.util.Locale.ROOT, "%s%02d:%02d",
                    random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(61)));
            samples.add(t.toString());
        }
        for (String sample : samples) {
            Instant expected;
            try {
                expected = java.time.OffsetDateTime.parse(sample.trim()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                expected = null;
            }
            assertEquals(expected, ClientRecordParser.parse(Map.of("clientid", "c", "connected_at", sample)).connectedAt(), sample);
        }
    }

    private static String describe(ClientRecord record) {
        return record == null ? "null" : List.of(record.clientId(), String.valueOf(record.username()), record.connected(),
                String.valueOf(record.createdAt()), String.valueOf(record.connectedAt()), String.valueOf(record.disconnectedAt()),
                record.keepalive(), record.subscriptions(), record.inflight(), java.util.Arrays.toString(record.counters())).toString();
    }

    /** Every number is unknown (-1) or from 0 to 2^53; a plain whole number up to 2^53 is kept exactly, a larger one is unknown. */
    private static void checkNumber(long seed, String json, String literal, long parsed) {
        assertTrue(parsed == ClientRecord.UNKNOWN || parsed >= 0 && parsed <= ClientRecord.MAX_VALUE, "seed " + seed + ": " + parsed + " from " + json);
        if (literal != null && literal.matches("\\d{1,18}")) {
            long value = Long.parseLong(literal);
            assertEquals(value <= ClientRecord.MAX_VALUE ? value : ClientRecord.UNKNOWN, parsed, "seed " + seed + ": " + literal + " in " + json);
        }
        if (literal == null || literal.equals("null") || literal.startsWith("\"inf") || (literal.startsWith("-") && !literal.equals("-0"))
                || literal.startsWith("[") || literal.startsWith("{") || literal.equals("true") || literal.equals("false")) {
            assertEquals(ClientRecord.UNKNOWN, parsed, "seed " + seed + ": " + literal + " in " + json);
        }
    }

    // ---------------------------------------------------------------- whole pages, through the poll and the state

    @Test
    void oneBadRecordNeverPoisonsTheOthersAndCountersNeverGoDown() throws Exception {
        for (long seed : SEEDS) {
            Random random = new Random(seed);
            SteppedClock clock = new SteppedClock(Fleets.START);
            List<MonitoredClient> monitored = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                monitored.add(new MonitoredClient("good-" + i, "good-" + i));
            }
            for (int i = 0; i < 4; i++) {
                monitored.add(new MonitoredClient("victim-" + i, "victim-" + i)); // only ever sent garbage
            }
            BrokerConfig broker = new BrokerConfig("default", "emqx", URI.create("http://emqx:18083/api"), "k", "s",
                    Duration.ofSeconds(5), 1, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, monitored, null);
            ClientTracker tracker = new ClientTracker(new MonitorConfig(List.of(broker), Duration.ofSeconds(15),
                    MetricFlags.ALL, null, 20), clock);
            ClientMetricsCollector collector = new ClientMetricsCollector(tracker, MetricFlags.ALL);
            Map<String, long[]> goodSent = new HashMap<>();
            Map<String, long[]> exportedBefore = new HashMap<>();

            for (int poll = 0; poll < 25; poll++) {
                clock.advance(Duration.ofSeconds(15));
                List<String> rows = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    long[] values = goodSent.computeIfAbsent("good-" + i, k -> new long[EmqxCounter.count()]);
                    for (int c = 0; c < values.length; c++) {
                        values[c] += random.nextInt(1000);
                    }
                    rows.add(goodRow("good-" + i, values));
                }
                for (int i = 0; i < 30; i++) {
                    rows.add(random.nextInt(rows.size() + 1), badRow(random));
                }
                String page = "{\"data\":[" + String.join(",", rows) + "],\"meta\":{\"page\":1,\"limit\":1000,\"hasnext\":false,\"count\":"
                        + rows.size() + "}}";
                BrokerPoll brokerPoll = tracker.startPoll("emqx");
                try {
                    feed(brokerPoll, JSON.readValue(page, Object.class));
                    tracker.complete(brokerPoll);
                    assertTrue(brokerPoll.succeeded(), "seed " + seed + ": the poll failed: " + brokerPoll.failure());
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", poll " + poll + ": a page threw\n" + page, e);
                }

                for (ClientView view : tracker.views()) {
                    long[] sent = goodSent.get(view.clientId());
                    if (sent != null) {
                        assertTrue(view.connected(), "seed " + seed + ": " + view.clientId() + " connected");
                        for (EmqxCounter counter : EmqxCounter.all()) {
                            assertEquals(sent[counter.ordinal()], view.counter(counter),
                                    "seed " + seed + ": " + view.clientId() + " " + counter + " is what EMQX said");
                        }
                    }
                    long[] before = exportedBefore.put(view.clientId(), view.counters().clone());
                    for (int c = 0; before != null && c < before.length; c++) {
                        assertTrue(view.counters()[c] >= before[c], "seed " + seed + ": " + view.clientId()
                                + " " + EmqxCounter.all()[c] + " went down from " + before[c] + " to " + view.counters()[c]);
                    }
                    assertTrue(view.subscriptions() >= 0 && view.inflight() >= 0 && view.keepalive() >= 0);
                }
                ByteArrayOutputStream exposition = new ByteArrayOutputStream();
                new PrometheusTextFormatWriter(false).write(exposition, collector.collect());
                assertTrue(exposition.toString().contains("client_id=\"good-11\""));
            }
        }
    }

    /** What the poll route does with one page: keep the rows of monitored clients, then observe them. */
    private static void feed(BrokerPoll poll, Object page) {
        while (poll.hasNextRequest()) {
            poll.nextQuery();
            for (Object row : poll.acceptPage(page)) {
                if (poll.isMonitored(row)) {
                    poll.observe(row);
                }
            }
        }
    }

    private static String goodRow(String id, long[] counters) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("clientid", quote(id));
        fields.put("connected", "true");
        fields.put("connected_at", quote("2026-01-01T08:00:00.000+08:00"));
        fields.put("keepalive", "60");
        fields.put("subscriptions_cnt", "1");
        for (EmqxCounter counter : EmqxCounter.all()) {
            fields.put(counter.jsonKey(), Long.toString(counters[counter.ordinal()]));
        }
        return object(fields);
    }

    /**
     * A row nobody should trust: garbage fields, and an id that is missing, not a string, unknown, or a monitored
     * one (a victim; or a good client's as a stale takeover duplicate that must lose against the connected row).
     */
    private static String badRow(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return pick(random, "null", "42", "\"row\"", "[]", "[{\"clientid\":\"good-1\"}]", "true");
        }
        Map<String, String> fields = randomFields(random);
        switch (kind) {
            case 1, 2 -> fields.put("clientid", quote("victim-" + random.nextInt(4)));
            case 3 -> {
                // a stale duplicate of a good client: offline, older session
                fields.put("clientid", quote("good-" + random.nextInt(12)));
                fields.put("connected", "false");
                fields.put("connected_at", pick(random, "null", quote("2020-01-01T00:00:00Z"), "\"garbage\""));
            }
            case 4 -> fields.put("clientid", pick(random, "null", "17", "[\"good-2\"]", "{\"id\":\"good-2\"}", "true"));
            case 5 -> fields.remove("clientid");
            default -> fields.put("clientid", quote("stranger-" + random.nextInt(1000)));
        }
        if (!fields.containsKey("connected") || fields.get("clientid") != null && fields.get("clientid").startsWith("\"stranger")) {
            fields.put("connected", pick(random, "false", "null", "\"false\"", "0"));
        }
        return object(fields);
    }

    // ---------------------------------------------------------------- generators (JSON text)

    private static Map<String, String> randomFields(Random random) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        if (random.nextInt(8) != 0) {
            fields.put("clientid", random.nextInt(6) == 0 ? anyValue(random) : quote(randomText(random)));
        }
        int count = random.nextInt(NUMBER_KEYS.size() + 8);
        for (int i = 0; i < count; i++) {
            int which = random.nextInt(4);
            if (which == 0) {
                fields.put(NUMBER_KEYS.get(random.nextInt(NUMBER_KEYS.size())), number(random));
            } else if (which == 1) {
                fields.put(TIME_KEYS.get(random.nextInt(TIME_KEYS.size())), timestamp(random));
            } else if (which == 2) {
                fields.put(OTHER_KEYS.get(random.nextInt(OTHER_KEYS.size())), anyValue(random));
            } else {
                fields.put(NUMBER_KEYS.get(random.nextInt(NUMBER_KEYS.size())), anyValue(random));
            }
        }
        return fields;
    }

    private static String number(Random random) {
        return switch (random.nextInt(16)) {
            case 0 -> "-" + random.nextInt(1000);
            case 1 -> Long.toString(Long.MAX_VALUE);
            case 2 -> new BigInteger(Long.toString(Long.MAX_VALUE)).multiply(BigInteger.valueOf(1000)).toString();
            case 3 -> "1e400";
            case 4 -> "-1e400";
            case 5 -> "1.5";
            case 6 -> "1e19";
            case 7 -> "-0";
            case 8 -> "0.0";
            case 9 -> quote(Integer.toString(random.nextInt(100)));
            case 10 -> quote("infinity");
            case 11 -> "null";
            case 12 -> Long.toString(random.nextLong() & ((1L << 62) - 1));
            default -> Integer.toString(random.nextInt(Integer.MAX_VALUE));
        };
    }

    private static String timestamp(Random random) {
        Instant at = Fleets.START.minusSeconds(random.nextInt(100_000_000));
        return switch (random.nextInt(9)) {
            case 0 -> quote(at.atOffset(ZoneOffset.ofHours(random.nextInt(25) - 12)).toString());
            case 1 -> quote(at.toString());
            case 2 -> Long.toString(at.toEpochMilli());
            case 3 -> quote("2024-13-45T99:00:00Z");
            case 4 -> quote("yesterday");
            case 5 -> "-5";
            case 6 -> "null";
            case 7 -> "1e400";
            default -> anyValue(random);
        };
    }

    private static String anyValue(Random random) {
        List<Supplier<String>> kinds = List.of(
                () -> "null", () -> "true", () -> "false", () -> quote("infinity"), () -> quote(""),
                () -> quote(randomText(random)), () -> number(random), () -> "[]", () -> "[1,\"a\",null]",
                () -> "{}", () -> "{\"nested\":{\"x\":1}}", () -> "\"\\u0000\\n\\\"\"", () -> "3.14159");
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    private static String randomText(Random random) {
        String alphabet = "abcXYZ019 /+&#%?=-_.:\\\"'\u00fc\u4e2d\n\t\u0001";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(24);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((key, value) -> json.append(json.length() > 1 ? "," : "").append(quote(key)).append(':').append(value));
        return json.append('}').toString();
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            fail(e);
            return null;
        }
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static List<String> numberKeys() {
        List<String> keys = new ArrayList<>(List.of("keepalive", "subscriptions_cnt", "inflight_cnt"));
        for (EmqxCounter counter : EmqxCounter.all()) {
            keys.add(counter.jsonKey());
        }
        return keys;
    }
}
