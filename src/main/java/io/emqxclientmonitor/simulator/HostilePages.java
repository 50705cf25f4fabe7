package io.emqxclientmonitor.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Page-level misbehaviour of a hostile EMQX (or a proxy in front of one), applied to the rendered listing of
 * {@code GET /api/v5/clients} until {@link #clear() cleared}:
 * <ul>
 * <li>{@link #endlessPaging(boolean)}: every page says {@code "hasnext":true}, forever, with or without
 * {@code meta.count};</li>
 * <li>{@link #deepNesting(String, int)}: the row of one client carries an unknown field nested that deep;</li>
 * <li>{@link #invalidUtf8(String)}: the row of one client has bytes that are not UTF-8 in its {@code username};</li>
 * <li>{@link #invalidUtf8InClientId(String)}: the same inside its {@code clientid}.</li>
 * </ul>
 * Rewrites the bytes {@link ClientListingJson} writes (its key order is fixed). Thread-safe.
 */
public final class HostilePages {
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};

    private boolean endless;
    private boolean endlessWithCount;
    private String deepClient;
    private int depth;
    private String notUtf8Client;
    private String notUtf8Id;

    /** Every page answers {@code hasnext:true}; {@code withCount} false also drops {@code meta.count}. */
    public synchronized HostilePages endlessPaging(boolean withCount) {
        endless = true;
        endlessWithCount = withCount;
        return this;
    }

    /** The row of {@code clientId} gets {@code "x_deep":[[[…]]]} nested {@code depth} levels deep. */
    public synchronized HostilePages deepNesting(String clientId, int depth) {
        this.deepClient = clientId;
        this.depth = depth;
        return this;
    }

    /** The row of {@code clientId} gets invalid UTF-8 bytes inside its {@code username} value. */
    public synchronized HostilePages invalidUtf8(String clientId) {
        this.notUtf8Client = clientId;
        return this;
    }

    /** The client id of {@code clientId}'s row ends in invalid UTF-8 bytes (so it no longer matches). */
    public synchronized HostilePages invalidUtf8InClientId(String clientId) {
        this.notUtf8Id = clientId;
        return this;
    }

    public synchronized HostilePages clear() {
        endless = false;
        deepClient = null;
        notUtf8Client = null;
        notUtf8Id = null;
        return this;
    }

    /** The listing as this hostile EMQX sends it. */
    synchronized byte[] rewrite(byte[] listing) {
        byte[] page = listing;
        if (deepClient != null) {
            String deep = "[".repeat(depth) + "]".repeat(depth);
            page = insertAfter(page, rowStart(deepClient), ("\"x_deep\":" + deep + ",").getBytes(StandardCharsets.US_ASCII));
        }
        if (notUtf8Client != null) {
            page = insertAfter(page, rowStart(notUtf8Client) + "\"username\":\"", NOT_UTF8);
        }
        if (notUtf8Id != null) {
            page = insertAfter(page, "{\"clientid\":\"" + jsonEscaped(notUtf8Id), NOT_UTF8);
        }
        if (endless) {
            page = replace(page, "\"hasnext\":false", "\"hasnext\":true");
            if (!endlessWithCount) {
                page = dropCount(page);
            }
        }
        return page;
    }

    private static String rowStart(String clientId) {
        return "{\"clientid\":\"" + jsonEscaped(clientId) + "\",";
    }

    private static String jsonEscaped(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Inserts {@code extra} right after the first occurrence of {@code marker}; unchanged if it is absent. */
    private static byte[] insertAfter(byte[] page, String marker, byte[] extra) {
        int at = indexOf(page, marker.getBytes(StandardCharsets.UTF_8));
        if (at < 0) {
            return page;
        }
        int cut = at + marker.getBytes(StandardCharsets.UTF_8).length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.length + extra.length);
        out.write(page, 0, cut);
        out.write(extra, 0, extra.length);
        out.write(page, cut, page.length - cut);
        return out.toByteArray();
    }

    private static byte[] replace(byte[] page, String from, String to) {
        int at = indexOf(page, from.getBytes(StandardCharsets.US_ASCII));
        if (at < 0) {
            return page;
        }
        byte[] replacement = to.getBytes(StandardCharsets.US_ASCII);
        int end = at + from.length();
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.length + replacement.length);
        out.write(page, 0, at);
        out.write(replacement, 0, replacement.length);
        out.write(page, end, page.length - end);
        return out.toByteArray();
    }

    /** {@code ,"count":N} is the last member of meta. */
    private static byte[] dropCount(byte[] page) {
        int at = indexOf(page, ",\"count\":".getBytes(StandardCharsets.US_ASCII));
        if (at < 0) {
            return page;
        }
        int end = at + ",\"count\":".length();
        while (end < page.length && Character.isDigit(page[end])) {
            end++;
        }
        byte[] out = Arrays.copyOf(page, page.length - (end - at));
        System.arraycopy(page, end, out, at, page.length - end);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
