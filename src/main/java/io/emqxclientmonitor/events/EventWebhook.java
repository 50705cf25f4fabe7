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
 */
public final class EventWebhook {
    static final String RETRY_AFTER_SECONDS = "1";

    private final EventIntake intake;
    private final Map<String, EventFeedConfig> feeds;

    public EventWebhook(EventIntake intake, Map<String, EventFeedConfig> feeds) {
        this.intake = intake;
        this.feeds = feeds;
    }

    /** Answers the request: sets the status and the few headers a webhook client needs, and clears the body. */
    public void receive(Exchange exchange) {
        Message in = exchange.getIn();
        String alias = brokerOf(in.getHeader(Exchange.HTTP_QUERY, String.class));
        EventFeedConfig feed = alias == null ? null : feeds.get(alias);
        String authorization = in.getHeader("Authorization", String.class);
        byte[] body = in.getBody(byte[].class);
        in.removeHeaders("*");
        in.setBody("");
        if (feed == null || !feed.webhookEnabled()) {
            in.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            return;
        }
        if (!authorized(feed, authorization)) {
            in.setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
            in.setHeader("WWW-Authenticate", feed.webhookNeedsBearer() ? "Bearer realm=\"emqx-events\""
                    : "Basic realm=\"emqx-events\", charset=\"UTF-8\"");
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
