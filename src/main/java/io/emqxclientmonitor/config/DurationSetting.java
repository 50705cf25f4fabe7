package io.emqxclientmonitor.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A positive duration setting written like {@code 3d}, {@code 72h}, {@code 90m}, {@code 3600s}, seconds, or ISO-8601. */
final class DurationSetting {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");
    private static final Duration MAX = Duration.ofDays(365);

    private DurationSetting() {
    }

    /** @param name how to name the setting in the message */
    static Duration parse(String name, String text, Duration defaultValue, String example) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        Duration parsed = null;
        try {
            Matcher m = WITH_UNIT.matcher(value);
            if (m.matches()) {
                double millis = Double.parseDouble(m.group(1)) * switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1_000;
                    case "m" -> 60_000;
                    case "h" -> 3_600_000;
                    default -> 86_400_000;
                };
                parsed = millis <= MAX.toMillis() ? Duration.ofMillis(Math.round(millis)) : null;
            } else if (value.startsWith("p")) {
                parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            parsed = null;
        }
        if (parsed == null || parsed.isNegative() || parsed.isZero() || parsed.compareTo(MAX) > 0) {
            throw new ConfigException(name + "='" + text + "' is not a duration above 0 and up to 365 days: write it like "
                    + example + ", 72h, 90m or 3600s");
        }
        return parsed;
    }
}
