package io.emqxclientmonitor.emqx;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads one client row of EMQX's answer, tolerating what real brokers send: {@code null}s, {@code "infinity"},
 * numbers as strings, unknown fields, local-offset timestamps. A bad field costs that field, never the row;
 * a row without a usable {@code clientid} is skipped (null).
 */
public final class ClientRecordParser {

    private ClientRecordParser() {
    }

    public static ClientRecord parse(Object row) {
        if (!(row instanceof Map<?, ?> map)) {
            return null;
        }
        Object id = map.get("clientid");
        if (!(id instanceof String clientId)) {
            return null;
        }
        long[] counters = new long[EmqxCounter.count()];
        Arrays.fill(counters, ClientRecord.UNKNOWN);
        for (EmqxCounter counter : EmqxCounter.all()) {
            counters[counter.ordinal()] = number(map.get(counter.jsonKey()));
        }
        Object username = map.get("username");
        return new ClientRecord(clientId,
                username instanceof String s ? s : null,
                Boolean.TRUE.equals(map.get("connected")) || "true".equals(map.get("connected")),
                timestamp(map.get("created_at")),
                timestamp(map.get("connected_at")),
                timestamp(map.get("disconnected_at")),
                number(map.get("keepalive")),
                number(map.get("subscriptions_cnt")),
                number(map.get("inflight_cnt")),
                counters);
    }

    /** A non-negative whole number, or {@link ClientRecord#UNKNOWN} for anything else ("infinity", null, -3, "x"). */
    static long number(Object value) {
        long n;
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (!Double.isFinite(d) || d < 0 || d >= Long.MAX_VALUE) {
                return ClientRecord.UNKNOWN;
            }
            n = number.longValue();
        } else if (value instanceof String text) {
            try {
                n = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                return ClientRecord.UNKNOWN;
            }
        } else {
            return ClientRecord.UNKNOWN;
        }
        return n < 0 ? ClientRecord.UNKNOWN : n;
    }

    /** Epoch milliseconds outside 2000-01-01..9999-12-31 are garbage (3.14, 1e400), not times. */
    private static final double EARLIEST_EPOCH_MILLIS = 946_684_800_000d;
    private static final double LATEST_EPOCH_MILLIS = 253_402_300_799_999d;

    /** RFC 3339 with any offset (EMQX writes the node's local offset), or epoch milliseconds; else null. */
    static Instant timestamp(Object value) {
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (value instanceof Number number && number.doubleValue() >= EARLIEST_EPOCH_MILLIS
                && number.doubleValue() <= LATEST_EPOCH_MILLIS) {
            return Instant.ofEpochMilli(number.longValue());
        }
        return null;
    }
}
