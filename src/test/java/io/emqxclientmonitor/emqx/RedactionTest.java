package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.TlsSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RedactionTest {
    private static BrokerConfig brokerWithSecret(String secret) {
        return new BrokerConfig("default", "emqx", URI.create("http://emqx:18083/api"), "key", secret,
                Duration.ofSeconds(5), 3, TlsSettings.VERIFY_WITH_SYSTEM_TRUST, List.of(new MonitoredClient("a", "b")), null);
    }

    @Test
    void aVeryShortSecretDoesNotMangleMessagesAndSoGiveItselfAway() {
        String message = "Port number is out of range: specify a port from 1 to 65535";
        assertEquals(message, Redaction.redact(message, brokerWithSecret("s")));
    }

    @Test
    void thePercentEncodedFormOfTheSecretIsRedactedToo() {
        String secret = "S3cret/With+Odd&Chars";
        String echoed = "bad request: secret=S3cret%2FWith%2BOdd%26Chars was refused";
        assertFalse(Redaction.redact(echoed, brokerWithSecret(secret)).contains("S3cret"));
    }
}
