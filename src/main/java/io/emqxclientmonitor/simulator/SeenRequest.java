package io.emqxclientmonitor.simulator;

import java.util.List;

/**
 * One request the simulator received on {@code /api/v5/clients}.
 *
 * @param method            HTTP method
 * @param rawPathAndQuery   the request target exactly as received (still percent-encoded)
 * @param requestLineLength bytes of the request line without CRLF, the figure Cowboy limits to 8000
 * @param status            status sent; 0 when the request was never answered (hang fault)
 * @param clientIdParams    decoded {@code clientid} values in request order, recorded even when the version ignores them
 * @param page              requested page (1 when absent, 0 when not an integer)
 * @param limit             requested limit (100 when absent, 0 when not an integer)
 */
public record SeenRequest(String method, String rawPathAndQuery, int requestLineLength, int status,
                          List<String> clientIdParams, int page, int limit) {

    public SeenRequest {
        clientIdParams = List.copyOf(clientIdParams);
    }
}
