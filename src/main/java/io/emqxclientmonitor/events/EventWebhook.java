package io.emqxclientmonitor.events;

import io.emqxclientmonitor.config.EventFeedConfig;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The webhook EMQX's HTTP action posts client events to ({@code POST /api/v1/emqx/events[?broker=<alias>]}), bound as
 * {@code emqxEventsWebhook}. Checks the broker's webhook token or basic auth (constant-time, no log line), hands the
 * body to {@link EventIntake} and answers with a status only: nothing of the request is echoed back.
 *
 * <p>Order of checks: the broker and its auth ({@link #refusal}, from the headers alone, before the body is read:
 * the HTTP server's webhook gate asks it first), then the body's size and type, then the events.
 */
public final class EventWebhook {
    static final String RETRY_AFTER_SECONDS = "1";

    private final EventIntake intake;
    private final Map<String, EventFeedConfig> feeds;

    public EventWebhook(EventIntake intake, Map<String, EventFeedConfig> feeds) {
        this.intake = intake;
        this.feeds = feeds;
    }

    /**
     * Why a request is refused before its body is read: 401 (with its challenge) when it lacks the broker's webhook
     * auth, or when the broker is unknown and any webhook needs auth (so that aliases cannot be enumerated without
     * credentials); 404 when no webhook could take it. Null when the request may go on.
     *
     * @param query         the request's query string (null when none)
     * @param authorization its Authorization header (null when none)
     */
    public Refusal refusal(String query, String authorization) {
        String alias = brokerOf(query);
        EventFeedConfig feed = alias == null ? null : feeds.get(alias);
        if (feed == null || !feed.webhookEnabled()) {
            return feeds.values().stream().filter(EventFeedConfig::webhookEnabled).filter(EventWebhook::needsAuth)
                    .findFirst().map(EventWebhook::unauthorized).orElse(Refusal.NOT_FOUND);
        }
        return authorized(feed, authorization) ? null : unauthorized(feed);
    }

    /** A status to answer, and the WWW-Authenticate challenge of a 401 (else null). */
    public record Refusal(int status, String challenge) {
        static final Refusal NOT_FOUND = new Refusal(404, null);
    }

    private static boolean needsAuth(EventFeedConfig feed) {
        return feed.webhookNeedsBearer() || feed.webhookNeedsBasicAuth();
    }

    private static Refusal unauthorized(EventFeedConfig feed) {
        return new Refusal(401, feed.webhookNeedsBearer() ? "Bearer realm=\"emqx-events\""
                : "Basic realm=\"emqx-events\", charset=\"UTF-8\"");
    }

    /** Answers the request: sets the status and the few headers a webhook client needs, and clears the body. */
    public void receive(Exchange exchange) {
        Message in = exchange.getIn();
        String query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        String alias = brokerOf(query);
        Refusal refusal = refusal(query, in.getHeader("Authorization", String.class));
        byte[] body = refusal == null ? in.getBody(byte[].class) : null;
        in.removeHeaders("*");
        in.setBody("");
        if (refusal != null) {
            in.setHeader(Exchange.HTTP_RESPONSE_CODE, refusal.status());
            if (refusal.challenge() != null) {
                in.setHeader("WWW-Authenticate", refusal.challenge());
            }
            return;
        }
        EventIntake.Outcome outcome = intake.accept(alias, "webhook", body);
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, outcome.httpStatus());
        if (outcome == EventIntake.Outcome.BUSY) {
            in.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
    }

    /** {@code ?broker=<alias>}, else the only broker with a webhook. */
    private String brokerOf(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("broker=")) {
                    try {
                        return URLDecoder.decode(pair.substring("broker=".length()), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
            }
        }
        List<String> withWebhook = feeds.entrySet().stream().filter(e -> e.getValue().webhookEnabled())
                .map(Map.Entry::getKey).toList();
        return withWebhook.size() == 1 ? withWebhook.get(0) : null;
    }

    static boolean authorized(EventFeedConfig feed, String authorization) {
        if (!feed.webhookNeedsBearer() && !feed.webhookNeedsBasicAuth()) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String header = authorization.trim();
        if (feed.webhookNeedsBearer() && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return same(header.substring(7).trim(), feed.webhookToken());
        }
        if (feed.webhookNeedsBasicAuth() && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            return colon >= 0 & same(decoded.substring(0, Math.max(colon, 0)), feed.webhookUsername())
                    & same(decoded.substring(colon + 1), feed.webhookPassword());
        }
        return false;
    }

    /** Constant-time in the length of what was sent: digests first, then MessageDigest.isEqual. */
    private static boolean same(String given, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
