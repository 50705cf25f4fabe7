package io.emqxclientmonitor.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats instants as EMQX does ({@code calendar:system_time_to_rfc3339} in milliseconds): exactly
 * three fraction digits and the node's numeric offset, UTC written {@code +00:00} rather than {@code Z}.
 */
final class EmqxTimestamps {

    private static final DateTimeFormatter RFC3339_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private EmqxTimestamps() {
    }

    static String format(Instant instant, ZoneOffset nodeOffset) {
        return RFC3339_MILLIS.format(instant.atOffset(nodeOffset));
    }
}
