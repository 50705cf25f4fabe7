package io.emqxclientmonitor.simulator;

import java.util.List;
import java.util.function.Predicate;

/**
 * The parameters of {@code GET /api/v5/clients} that the simulator honours. Others are ignored as EMQX ignores
 * parameters outside its schema (before 5.6 that includes {@code clientid} and {@code fields}).
 *
 * @param clientIds exact ids to keep (OR-ed); empty for no filter
 * @param fields    the row keys to send ({@code fields=}, 5.6+)
 */
record ClientsQuery(int page, int limit, List<String> clientIds, Predicate<String> fields) {

    ClientsQuery(int page, int limit, List<String> clientIds) {
        this(page, limit, clientIds, FieldSchema.ALL);
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
        return new ClientsQuery(page, limit, List.copyOf(clientIds), fields);
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
