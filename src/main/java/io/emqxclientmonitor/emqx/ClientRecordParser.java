package io.emqxclientmonitor.emqx;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one client row of EMQX's answer, tolerating what real brokers send: {@code null}s, {@code "infinity"},
 * numbers as strings, unknown fields, local-offset timestamps. A bad field costs that field, never the row;
 * a row without a usable {@code clientid} is skipped (null).
 */
public final class ClientRecordParser {
    /** Every field of a row this parser reads; {@link ClientsPage} keeps these and skips the rest. */
    public static final Set<String> FIELDS = fields();

    private ClientRecordParser() {
    }

    /** The record of one row, or null for a row that is not a client's; never throws (bad data costs its row). */
    public static ClientRecord parse(Object row) {
        try {
            return read(row);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ClientRecord read(Object row) {
        if (!(row instanceof Map<?, ?> map)) {
            return null;
        }
        Object id = map.get("clientid");
        if (!(id instanceof String clientId)) {
            return null;
        }
        long[] counters = new long[EmqxCounter.count()];
        long[] invalid = {0};
        for (EmqxCounter counter : EmqxCounter.all()) {
            counters[counter.ordinal()] = number(map.get(counter.jsonKey()), counter.ordinal(), invalid);
        }
        Object username = map.get("username");
        return new ClientRecord(clientId,
                username instanceof String s ? s : null,
                Boolean.TRUE.equals(map.get("connected")) || "true".equals(map.get("connected")),
                timestamp(map.get("created_at")),
                timestamp(map.get("connected_at")),
                timestamp(map.get("disconnected_at")),
                number(map.get("keepalive"), ClientRecord.KEEPALIVE_BIT, invalid),
                number(map.get("subscriptions_cnt"), ClientRecord.SUBSCRIPTIONS_BIT, invalid),
                number(map.get("inflight_cnt"), ClientRecord.INFLIGHT_BIT, invalid),
                counters, invalid[0]);
    }

    private static long number(Object value, int bit, long[] invalid) {
        long n = number(value);
        if (n == INVALID) {
            invalid[0] |= 1L << bit;
            return ClientRecord.UNKNOWN;
        }
        return n;
    }

    private static Set<String> fields() {
        Set<String> fields = new HashSet<>(List.of("clientid", "username", "connected", "created_at", "connected_at",
                "disconnected_at", "keepalive", "subscriptions_cnt", "inflight_cnt"));
        for (EmqxCounter counter : EmqxCounter.all()) {
            fields.add(counter.jsonKey());
        }
        return Set.copyOf(fields);
    }

    private static final long INVALID = -2;
    private static final BigDecimal MAX = BigDecimal.valueOf(ClientRecord.MAX_VALUE);
    /** Longer than any number up to 2^53 can reasonably be written: not parsed (a megabyte of digits costs time). */
    private static final int LONGEST_NUMBER_TEXT = 40;

    /**
     * A whole number from 0 to {@link ClientRecord#MAX_VALUE} ({@code 12.0} and {@code 1e3} are whole), the same whether EMQX sends it
     * as a JSON number or as a string; {@link ClientRecord#UNKNOWN} for null (EMQX omits the value), and -2 (invalid)
     * for anything else: negative, larger than 2^53, a fraction, not finite, not a number ("infinity", "x", true, a list).
     */
    static long number(Object value) {
        if (value == null) {
            return ClientRecord.UNKNOWN;
        }
        BigDecimal decimal;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            return n < 0 || n > ClientRecord.MAX_VALUE ? INVALID : n;
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return INVALID;
            }
            decimal = new BigDecimal(d);
        } else if (value instanceof BigInteger big) {
            decimal = new BigDecimal(big);
        } else if (value instanceof BigDecimal big) {
            decimal = big;
        } else if (value instanceof String text) {
            String trimmed = text.trim();
            if (trimmed.isEmpty() || trimmed.length() > LONGEST_NUMBER_TEXT) {
                return INVALID;
            }
            try {
                decimal = new BigDecimal(trimmed);
            } catch (NumberFormatException e) {
                return INVALID;
            }
        } else {
            return INVALID;
        }
        if (decimal.signum() < 0 || decimal.compareTo(MAX) > 0 || decimal.stripTrailingZeros().scale() > 0) {
            return INVALID;
        }
        return decimal.longValue();
    }

    /**
     * The shape EMQX writes, {@code 2024-01-01T12:34:56.789+08:00} (or {@code Z}, any fraction), read without
     * {@code DateTimeFormatter} (a tenth of the cost, three times per row); null for anything else, which then
     * goes through {@link OffsetDateTime#parse} with the same result.
     */
    static Instant rfc3339(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return null;
            }
            nanos = digits(s, start, count);
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 18 * 60) {
                return null;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    }

    /** The decimal number in s[from, from + count), or -1 if any of it is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Epoch milliseconds outside 2000-01-01..9999-12-31 are garbage (3.14, 1e400), not times. */
    private static final double EARLIEST_EPOCH_MILLIS = 946_684_800_000d;
    private static final double LATEST_EPOCH_MILLIS = 253_402_300_799_999d;

    /** RFC 3339 with any offset (EMQX writes the node's local offset), or epoch milliseconds; else null. */
    static Instant timestamp(Object value) {
        if (value instanceof String text) {
            String trimmed = text.trim();
            Instant fast = rfc3339(trimmed);
            if (fast != null) {
                return fast;
            }
            try {
                return OffsetDateTime.parse(trimmed).toInstant();
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
