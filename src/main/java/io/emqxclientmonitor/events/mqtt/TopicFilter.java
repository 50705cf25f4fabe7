package io.emqxclientmonitor.events.mqtt;

import java.nio.charset.StandardCharsets;

/** MQTT topic filter rules (MQTT 5 §4.7), checked at start so that a broken filter is not a silent SUBACK failure. */
final class TopicFilter {
    private TopicFilter() {
    }

    /** @return what is wrong with the filter, or null when it is a valid one */
    static String problem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "is empty";
        }
        if (filter.indexOf('\u0000') >= 0) {
            return "contains a NUL character";
        }
        if (filter.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            return "is longer than 65535 bytes";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "has '#' other than as the whole last level (write a/b/#)";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "has '+' that is not a whole level (write a/+/b)";
            }
        }
        return null;
    }
}
