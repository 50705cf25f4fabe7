package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is quoted from EMQX (or a proxy) is logged and served by the JSON API: never a secret, and stable per failure. */
class FailureClassifierTest {
    private static final String SECRET = "Sup3rSecretValue";
    private static final BrokerConfig BROKER = new BrokerConfig("default", "emqx", URI.create("http://emqx:18083/api"),
            "key", SECRET, Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST,
            List.of(new MonitoredClient("a", "b")), null);
    private static final String BASIC = Base64.getEncoder().encodeToString(("key:" + SECRET).getBytes(StandardCharsets.UTF_8));

    private static PollFailure answer(int status, String body) {
        return FailureClassifier.classify(new HttpOperationFailedException("http://emqx:18083/api/v5/clients", status,
                "x", null, Map.of(), body), BROKER);
    }

    @Test
    void anErrorBodyEchoingTheAuthorizationHeaderIsRedacted() {
        for (int status : new int[]{400, 401, 500}) {
            PollFailure failure = answer(status, "{\"code\":\"BAD_REQUEST\",\"message\":\"headers: Authorization: Basic "
                    + BASIC + ", x-secret=" + SECRET + "\"}");
            assertFalse(failure.message().contains(BASIC), failure.message());
            assertFalse(failure.message().contains(SECRET), failure.message());
            assertTrue(failure.message().contains("[redacted]"), failure.message());
        }
    }

    @Test
    void bearerTokensAndOtherBasicCredentialsAreRedactedToo() {
        PollFailure failure = answer(502, "{\"code\":\"BAD_GATEWAY\",\"message\":\"proxy saw authorization=Bearer abc.def.ghi and Basic dXNlcjpwYXNzd29yZA==\"}");
        assertFalse(failure.message().contains("abc.def.ghi"), failure.message());
        assertFalse(failure.message().contains("dXNlcjpwYXNzd29yZA=="), failure.message());
    }

    @Test
    void aTruncatedAnswerReadsTheSameAtEveryPoll() {
        // cut after a value: Jackson names the byte offset where the unfinished object started
        PollFailure first = truncated("{\"data\":[{\"clientid\":\"a\",\"recv_msg\":1},{\"clientid\":\"b\",\"recv_msg\":2");
        PollFailure second = truncated("{\"data\":[{\"clientid\":\"a\",\"recv_msg\":123456},{\"clientid\":\"b\",\"recv_msg\":7");
        assertEquals(first, second);
        assertFalse(first.message().contains("clientid"), "the answer itself is not quoted: " + first.message());
    }

    private static PollFailure truncated(String json) {
        Exception parse = assertThrows(Exception.class, () -> new ObjectMapper().readTree(json));
        return FailureClassifier.classify(parse, BROKER);
    }
}
