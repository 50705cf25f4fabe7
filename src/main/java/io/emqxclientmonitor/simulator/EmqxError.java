package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** An EMQX error answer: a status and a {@code {"code":…,"message":…}} body. */
record EmqxError(int status, String code, String message) {

    static final EmqxError AUTHORIZATION_HEADER_MISSING =
            new EmqxError(401, "AUTHORIZATION_HEADER_ERROR", "Support authorization: basic/bearer ");
    static final EmqxError BAD_API_KEY_OR_SECRET =
            new EmqxError(401, "BAD_API_KEY_OR_SECRET", "Check api_key/api_secret");
    static final EmqxError UNAUTHORIZED_ROLE =
            new EmqxError(403, "UNAUTHORIZED_ROLE", "This API Key don't have permission to access this resource");
    static final EmqxError INTERNAL_ERROR =
            new EmqxError(500, "INTERNAL_ERROR", "error, function_clause, [{emqx_mgmt_api_clients,list_clients,2}]");

    static EmqxError nodeDown(String unreachableNode) {
        return new EmqxError(500, "NODE_DOWN", "bad rpc call '" + unreachableNode + "', Reason nodedown");
    }

    static EmqxError badRequest(String message) {
        return new EmqxError(400, "BAD_REQUEST", message);
    }

    boolean isUnauthorized() {
        return status == 401;
    }

    byte[] toJson(JsonFactory json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("code", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
