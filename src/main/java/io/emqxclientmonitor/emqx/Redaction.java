package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Removes secrets from text quoted from EMQX, a proxy in front of it or an exception: the API secret, its Basic
 * credentials, and the value of anything that looks like an {@code Authorization} header or a Basic/Bearer token.
 */
final class Redaction {
    static final String REDACTED = "[redacted]";
    private static final int SHORTEST_SECRET_TO_FIND = 6;
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)((?:proxy-)?authorization\\\\?\"?\\s*[:=]\\s*\\\\?\"?)(?:(basic|bearer|digest)\\s+)?[^\\s\"\\\\,;}]+");
    private static final Pattern TOKEN = Pattern.compile("(?i)\\b(basic|bearer)\\s+[A-Za-z0-9+/=._~-]{6,}");

    private Redaction() {
    }

    static String redact(String text, BrokerConfig broker) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        String secret = broker.apiSecret();
        if (secret != null && !secret.isEmpty()) {
            String basic = Base64.getEncoder().encodeToString((broker.apiKey() + ":" + secret).getBytes(StandardCharsets.UTF_8));
            redacted = redacted.replace(basic, REDACTED);
            // replacing a secret of a few characters would mangle every message and, by the gaps, give the secret away
            if (secret.length() >= SHORTEST_SECRET_TO_FIND) {
                redacted = redacted.replace(secret, REDACTED)
                        .replace(URLEncoder.encode(secret, StandardCharsets.UTF_8), REDACTED);
            }
        }
        redacted = AUTHORIZATION.matcher(redacted).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group(1) + (m.group(2) == null ? "" : m.group(2) + " ") + REDACTED));
        return TOKEN.matcher(redacted).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + " " + REDACTED));
    }
}
