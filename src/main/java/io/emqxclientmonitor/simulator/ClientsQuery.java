package io.emqxclientmonitor.simulator;

import java.util.List;
import java.util.function.Predicate;

/**
 * The parameters of {@code GET /api/v5/clients} that the simulator honours. Others are ignored as EMQX ignores
 * parameters outside its schema (before 5.6 that includes {@code clientid} and {@code fields}).
 *
 * @param clientIds exact ids to keep (OR-ed); empty for no filter
 * @param fields    the row keys to send ({@code fields=}, 5.6+)
 * @param like      {@code like_clientid}: keep ids containing it (every 5.x), or null; EMQX drops it next to an exact
 *                  {@code clientid} filter ({@code do_parse_qstring}), so it is null whenever {@code clientIds} is not empty
 */
record ClientsQuery(int page, int limit, List<String> clientIds, Predicate<String> fields, String like) {

    ClientsQuery(int page, int limit, List<String> clientIds) {
        this(page, limit, clientIds, FieldSchema.ALL, null);
    }

    ClientsQuery(int page, int limit, List<String> clientIds, Predicate<String> fields) {
        this(page, limit, clientIds, fields, null);
    }

    /**
     * Whether a client id passes {@code like_clientid}. EMQX's {@code binary:match} on UTF-8 bytes finds the same
     * substrings as {@link String#contains} on the decoded text (UTF-8 never matches mid-character).
     */
    boolean likeMatches(String clientId) {
        return like == null || clientId.contains(like);
    }

    static final int DEFAULT_PAGE = 1;
    static final int DEFAULT_LIMIT = 100;

    static ClientsQuery parse(List<QueryString.Param> params, EmqxVersion version) throws BadRequestException {
        return parse(params, version, new FieldSchema());
    }

    static ClientsQuery parse(List<QueryString.Param> params, EmqxVersion version, FieldSchema schema)
            throws BadRequestException {
        int page = intParam(params, "page", DEFAULT_PAGE);
        if (page < 1) {
            throw new BadRequestException("page: expected an integer >= 1, got " + page);
        }
        int limit = intParam(params, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > version.maxLimit()) {
            throw new BadRequestException(
                    "limit: expected an integer between 1 and " + version.maxLimit() + ", got " + limit);
        }
        List<String> clientIds = List.of();
        if (version.supportsClientIdFilter()) {
            clientIds = QueryString.values(params, "clientid");
            if (clientIds.contains(null)) {
                throw new BadRequestException("clientid: expected a string");
            }
        }
        Predicate<String> fields = FieldSchema.ALL;
        if (version.supportsFieldsParameter()) {
            List<String> values = QueryString.values(params, "fields");
            fields = schema.parse(values.isEmpty() ? null : values.get(0));
        }
        List<String> likes = QueryString.values(params, "like_clientid");
        String like = clientIds.isEmpty() && !likes.isEmpty() ? likes.get(0) : null;
        return new ClientsQuery(page, limit, List.copyOf(clientIds), fields, like);
    }

    /** Page and limit as far as they can be read, for the request log: defaults when absent, 0 when invalid. */
    static int loggedIntParam(List<QueryString.Param> params, String name, int absentValue) {
        try {
            return intParam(params, name, absentValue);
        } catch (BadRequestException e) {
            return 0;
        }
    }

    /** A repeated single-valued parameter keeps its first value. */
    private static int intParam(List<QueryString.Param> params, String name, int absentValue)
            throws BadRequestException {
        List<String> values = QueryString.values(params, name);
        if (values.isEmpty()) {
            return absentValue;
        }
        String value = values.get(0);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + ": expected an integer, got " + value);
        }
    }
}
