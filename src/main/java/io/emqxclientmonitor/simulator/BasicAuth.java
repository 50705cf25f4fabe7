package io.emqxclientmonitor.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/** Checks an {@code Authorization} header against the API key and secret, as EMQX's dashboard listener does. */
final class BasicAuth {

    private final byte[] expectedCredentials;

    BasicAuth(String apiKey, String apiSecret) {
        this.expectedCredentials = (apiKey + ":" + apiSecret).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the 401 to send, or empty when the header carries the right key and secret */
    Optional<EmqxError> check(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.of(EmqxError.AUTHORIZATION_HEADER_MISSING);
        }
        String[] schemeAndToken = authorizationHeader.trim().split("\\s+", 2);
        if (schemeAndToken.length != 2 || !schemeAndToken[0].equalsIgnoreCase("basic")) {
            return Optional.of(EmqxError.BAD_API_KEY_OR_SECRET);
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(schemeAndToken[1].trim());
        } catch (IllegalArgumentException e) {
            return Optional.of(EmqxError.BAD_API_KEY_OR_SECRET);
        }
        return MessageDigest.isEqual(presented, expectedCredentials)
                ? Optional.empty()
                : Optional.of(EmqxError.BAD_API_KEY_OR_SECRET);
    }
}
