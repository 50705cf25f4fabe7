package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.databind.ObjectReader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes EMQX answers, the fetch route's reading (PageBody's choice, then the unmarshal with emqxPageJson)
 * gives exactly the page the old reading gave ({@link OldPageReader}: text with U+FFFD, char parser, HashMap rows):
 * the same rows, equal as Maps both ways with the same hash, or a parse failure in both.
 */
class PageParsingProperties {
    private static final ObjectReader PAGES = ClientsPage.mapper().readerFor(ClientsPage.class);
    private static final List<String> KEPT = ClientRecordParser.FIELDS.stream().sorted().toList();
    private static final List<String> JUNK = List.of("node", "ip_address", "proto_name", "mountpoint", "clean_start",
            "recv_msg.qos9", "ClientId", "", "clientid\u0000", "héllo", "\uD83D\uDE00");
    /** Overlong, surrogate, beyond U+10FFFF, lone continuation, truncated, never-valid, NUL, BOM, Latin-1. */
    private static final byte[][] CORRUPTIONS = {
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
            {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
            {0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xE9}};

    @Property(tries = 400, seed = "20261203")
    void theNewReadingGivesTheOldPageForAnyBytes(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] body = corrupt(encode(page(random), random), random);
        ClientsPage old;
        try {
            old = OldPageReader.read(body);
        } catch (IOException e) {
            assertThrows(IOException.class, () -> readNew(body), "the old reading failed: " + e.getMessage());
            return;
        }
        ClientsPage now = readNew(body);
        if (old == null) {
            assertEquals(null, now);
            return;
        }
        assertNotNull(now);
        assertEquals(old.hasNext(), now.hasNext());
        assertEquals(old.count(), now.count());
        assertEquals(old.data() == null, now.data() == null);
        if (old.data() == null) {
            return;
        }
        assertEquals(old.data().size(), now.data().size());
        for (int i = 0; i < old.data().size(); i++) {
            Object was = old.data().get(i);
            Object is = now.data().get(i);
            if (was instanceof Map<?, ?> map) {
                sameMap(map, assertInstanceOf(Map.class, is));
            } else {
                assertEquals(was, is, "row " + i);
            }
        }
        assertEquals(old.data(), now.data());
        assertEquals(old.data().hashCode(), now.data().hashCode());
    }

    /** The route as it is: PageBody's choice, then Camel's Jackson unmarshal (byte[] and Reader bodies). */
    private static ClientsPage readNew(byte[] body) throws IOException {
        Object chosen = PageBody.choose(body.clone());
        return chosen instanceof byte[] bytes ? PAGES.readValue(bytes) : PAGES.readValue((Reader) chosen);
    }

    private static void sameMap(Map<?, ?> old, Map<?, ?> now) {
        assertEquals(old, now);
        assertEquals(now, old);
        assertEquals(old.hashCode(), now.hashCode());
        assertEquals(old.size(), now.size());
        assertEquals(old.entrySet(), now.entrySet());
        assertEquals(old.keySet(), now.keySet());
        assertEquals(new HashSet<>(old.values()), new HashSet<>(now.values()));
        for (String key : KEPT) {
            assertEquals(old.containsKey(key), now.containsKey(key), key);
            assertEquals(old.get(key), now.get(key), key);
        }
        for (String key : JUNK) {
            assertFalse(now.containsKey(key), key);
        }
        assertEquals(new HashMap<>(old), new HashMap<>(now));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<String, Object>) now).put("clientid", "x"));
        sameRecord(ClientRecordParser.parse(old), ClientRecordParser.parse(now));
    }

    private static void sameRecord(ClientRecord old, ClientRecord now) {
        assertEquals(old == null, now == null);
        if (old != null) {
            assertEquals(old.toString().replaceAll("counters=\\[J@\\w+", ""),
                    now.toString().replaceAll("counters=\\[J@\\w+", ""));
            assertArrayEquals(old.counters(), now.counters());
        }
    }

    /**
     * Mostly UTF-8; sometimes with a BOM, or in an encoding Jackson's byte parser would detect (UTF-16/32), which
     * for ASCII text is still well-formed UTF-8, NULs included, but was never a page to the old reading.
     */
    private static byte[] encode(String page, Random random) {
        String[] others = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};
        return switch (random.nextInt(10)) {
            case 0 -> ("\uFEFF" + page).getBytes(StandardCharsets.UTF_8);
            case 1 -> page.getBytes(java.nio.charset.Charset.forName(others[random.nextInt(others.length)]));
            default -> page.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] corrupt(byte[] page, Random random) {
        int corruptions = random.nextInt(4) == 0 ? 0 : random.nextInt(4);
        List<Byte> bytes = new ArrayList<>(page.length + 16);
        for (byte b : page) {
            bytes.add(b);
        }
        for (int c = 0; c < corruptions; c++) {
            byte[] bad = random.nextInt(6) == 0 ? new byte[]{(byte) random.nextInt(256)}
                    : CORRUPTIONS[random.nextInt(CORRUPTIONS.length)];
            int at = random.nextInt(5) == 0 ? random.nextInt(Math.min(4, bytes.size()) + 1)
                    : random.nextInt(bytes.size() + 1);
            boolean replace = random.nextBoolean() && at + bad.length <= bytes.size();
            for (int i = 0; i < bad.length; i++) {
                if (replace) {
                    bytes.set(at + i, bad[i]);
                } else {
                    bytes.add(at + i, bad[i]);
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static String page(Random random) {
        StringBuilder json = new StringBuilder();
        if (random.nextInt(10) == 0) {
            json.append(random.nextBoolean() ? "[1,2]" : random.nextBoolean() ? "null" : "\"page\"");
            return json.toString();
        }
        json.append("{\"data\":[");
        int rows = random.nextInt(12);
        for (int r = 0; r < rows; r++) {
            json.append(r == 0 ? "" : ",");
            if (random.nextInt(12) == 0) {
                value(json, random, 0);
            } else {
                row(json, random, r);
            }
        }
        json.append("],\"meta\":{\"page\":1,\"limit\":250");
        if (random.nextBoolean()) {
            json.append(",\"hasnext\":").append(random.nextBoolean());
        }
        if (random.nextBoolean()) {
            json.append(",\"count\":");
            value(json, random, 0);
        }
        return json.append("}}").toString();
    }

    private static void row(StringBuilder json, Random random, int r) {
        json.append("{\"clientid\":\"client-").append(r).append(random.nextInt(5) == 0 ? "é\uD83D\uDE00" : "")
                .append('"');
        int fields = random.nextInt(40);
        for (int f = 0; f < fields; f++) {
            json.append(',');
            String key = random.nextInt(3) == 0 ? JUNK.get(random.nextInt(JUNK.size()))
                    : KEPT.get(random.nextInt(KEPT.size()));
            string(json, key);
            json.append(':');
            value(json, random, 0);
        }
        json.append('}');
    }

    private static void value(StringBuilder json, Random random, int depth) {
        switch (random.nextInt(depth > 2 ? 10 : 13)) {
            case 0 -> json.append(random.nextInt(1_000_000));
            case 1 -> json.append(random.nextLong());
            case 2 -> json.append(new BigInteger(100, random));
            case 3 -> json.append(random.nextDouble() * 1e6);
            case 4 -> json.append('"').append(random.nextInt(10_000)).append('"');
            case 5 -> json.append("\"infinity\"");
            case 6 -> json.append(random.nextBoolean());
            case 7 -> json.append("null");
            case 8 -> json.append("\"2026-12-03T10:00:00.000+01:00\"");
            case 9 -> string(json, "us\\er \"ñ\" \u2028 \uD83D\uDE00 \\u00e9 \t");
            case 10 -> {
                json.append('[');
                value(json, random, depth + 1);
                json.append(",{\"a\":");
                value(json, random, depth + 1);
                json.append("}]");
            }
            case 11 -> {
                json.append("{\"recv_msg\":");
                value(json, random, depth + 1);
                json.append('}');
            }
            default -> json.append("1.5e3");
        }
    }

    private static void string(StringBuilder json, String text) {
        json.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\t' -> json.append("\\t");
                case '\u0000' -> json.append("\\u0000");
                default -> json.append(c);
            }
        }
        json.append('"');
    }
}
