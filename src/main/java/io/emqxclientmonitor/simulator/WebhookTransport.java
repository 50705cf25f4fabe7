package io.emqxclientmonitor.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EMQX's HTTP action: one POST per event to the exporter's webhook, {@code Content-Type: application/json}, an
 * optional bearer token. A 503 is retried a few times, as EMQX does (research §2.3); anything else is final.
 */
public final class WebhookTransport implements EventTransport {
    private static final int ATTEMPTS = 3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String bearerToken;
    private final AtomicLong failed = new AtomicLong();

    public WebhookTransport(URI url, String bearerToken) {
        this.url = url;
        this.bearerToken = bearerToken;
    }

    @Override
    public void send(String topic, byte[] payload) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
                if (status != 503 && status != 429) {
                    break;
                }
            } catch (java.io.IOException e) {
                // EMQX retries a refused or broken connection too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failed.incrementAndGet();
    }

    /** Events the exporter did not take (a final error, or retries used up). */
    public long failed() {
        return failed.get();
    }
}
