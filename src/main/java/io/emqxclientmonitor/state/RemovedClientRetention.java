package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.ConfigException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code monitor.removed-client-retention}: how long a client removed from the configuration keeps its history
 * (in memory and in the state file), e.g. {@code 24h}, {@code 90m}, {@code 3600s}, {@code 1d}, a plain number of
 * seconds, or ISO-8601 ({@code PT1H}); {@code 0} forgets removed clients at once (the behaviour before).
 */
public final class RemovedClientRetention {
    public static final String SETTING = "monitor.removed-client-retention";
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    private RemovedClientRetention() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            return ClientTracker.DEFAULT_REMOVED_CLIENT_RETENTION;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = WITH_UNIT.matcher(value);
        try {
            if (m.matches()) {
                double amount = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                double millis = amount * switch (unit) {
                    case "ms" -> 1;
                    case "s" -> 1_000;
                    case "m" -> 60_000;
                    case "h" -> 3_600_000;
                    default -> 86_400_000;
                };
                if (millis <= 365L * 86_400_000) {
                    return Duration.ofMillis(Math.round(millis));
                }
            } else if (value.startsWith("p")) {
                Duration iso = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!iso.isNegative() && iso.compareTo(Duration.ofDays(365)) <= 0) {
                    return iso;
                }
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // the message below
        }
        throw new ConfigException(SETTING + "='" + text + "' is not a duration from 0 to 365 days: write it like 24h, 90m, "
                + "3600s or 0 (forget removed clients at once)");
    }
}
