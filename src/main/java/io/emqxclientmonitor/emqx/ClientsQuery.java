package io.emqxclientmonitor.emqx;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds the query strings of {@code GET /api/v5/clients} and splits the monitored ids into as few requests as
 * EMQX's request-line limit (Cowboy's 8000 bytes, 414 above) allows.
 *
 * <p>EMQX decodes query values form-style, so {@code +} means a space: every value is percent-encoded, spaces as
 * {@code %20} and {@code +} as {@code %2B}.
 */
public final class ClientsQuery {
    /** Room kept for {@code page} numbers up to five digits, so a batch that fits on page 1 fits on every page. */
    private static final int PAGE_DIGITS_RESERVED = 5;
    private static final String HTTP_VERSION = " HTTP/1.1";
    /**
     * {@code fields=} with every field {@link ClientRecordParser} reads (EMQX 5.6+ then serializes only those):
     * about 400 bytes of request line. Commas are sub-delimiters, allowed as they are in a query.
     */
    public static final String FIELDS = "fields=" + String.join(",", new TreeSet<>(ClientRecordParser.FIELDS));

    private ClientsQuery() {
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String page(int page, int limit, List<String> clientIds) {
        return page(page, limit, clientIds, false);
    }

    /** @param fields whether to add {@link #FIELDS} */
    public static String page(int page, int limit, List<String> clientIds, boolean fields) {
        StringBuilder query = new StringBuilder(32 + (fields ? FIELDS.length() : 0) + clientIds.size() * 24)
                .append("page=").append(page).append("&limit=").append(limit);
        if (fields) {
            query.append('&').append(FIELDS);
        }
        for (String id : clientIds) {
            query.append("&clientid=").append(encode(id));
        }
        return query.toString();
    }

    /** The request line EMQX will see: {@code GET <path>?<query> HTTP/1.1}. */
    public static int requestLineLength(String rawPath, String query) {
        return "GET ".length() + rawPath.length() + 1 + query.length() + HTTP_VERSION.length();
    }

    /**
     * Packs the ids, in order, into batches whose request line stays within {@code maxRequestLine} bytes.
     * Greedy packing in order gives the fewest batches for a fixed order.
     *
     * @throws IllegalArgumentException if a single id cannot fit at all
     */
    public static List<List<String>> batches(List<String> clientIds, String rawPath, int limit, int maxRequestLine) {
        return batches(clientIds, rawPath, limit, maxRequestLine, false);
    }

    /** The same, with room for {@link #FIELDS} in every request when {@code fields}. */
    public static List<List<String>> batches(List<String> clientIds, String rawPath, int limit, int maxRequestLine,
                                             boolean fields) {
        int fixed = requestLineLength(rawPath, page(1, limit, List.of(), fields)) + PAGE_DIGITS_RESERVED - 1;
        List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int length = fixed;
        for (String id : clientIds) {
            int cost = "&clientid=".length() + encode(id).length();
            if (fixed + cost > maxRequestLine) {
                throw new IllegalArgumentException("client id '" + id + "' alone makes a request line longer than "
                        + maxRequestLine + " bytes");
            }
            if (length + cost > maxRequestLine && !current.isEmpty()) {
                batches.add(current);
                current = new ArrayList<>();
                length = fixed;
            }
            current.add(id);
            length += cost;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
