package io.emqxclientmonitor.simulator;

import java.util.List;

/**
 * The parameters of {@code GET /api/v5/clients} that the simulator honours. Others, and
 * {@code fields}, are ignored as EMQX ignores parameters outside its schema.
 *
 * @param clientIds exact ids to keep (OR-ed); empty for no filter
 */
record ClientsQuery(int page, int limit, List<String> clientIds) {

    static final int DEFAULT_PAGE = 1;
    static final int DEFAULT_LIMIT = 100;

    static ClientsQuery parse(List<QueryString.Param> params, EmqxVersion version) throws BadRequestException {
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
        return new ClientsQuery(page, limit, List.copyOf(clientIds));
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
