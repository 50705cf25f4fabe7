package io.emqxclientmonitor.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code monitor.shard} and {@code monitor.total-shards} into a {@link ShardAssignment}. {@code monitor.shard=auto}
 * takes the shard from the ordinal a StatefulSet gives its pods ({@code name-N}), read from {@code POD_NAME}
 * (the downward API) or else {@code HOSTNAME}.
 */
final class ShardSettings {
    static final String SHARD = "monitor.shard";
    static final String TOTAL = "monitor.total-shards";
    static final String AUTO = "auto";
    private static final Pattern ORDINAL = Pattern.compile("^.+-(\\d{1,9})$");

    private ShardSettings() {
    }

    /**
     * @param value       our settings, null when unset
     * @param environment the process environment (POD_NAME, HOSTNAME)
     * @param described   how a setting is named in messages
     */
    static ShardAssignment read(Function<String, String> value, Function<String, String> environment,
                                Function<String, String> described) {
        String totalText = value.apply(TOTAL);
        String shardText = value.apply(SHARD);
        int total = totalText == null ? 1 : total(totalText, described.apply(TOTAL));
        if (shardText == null) {
            if (total > 1) {
                throw new ConfigException(described.apply(TOTAL) + "=" + total + " but " + described.apply(SHARD)
                        + " is not set: set it to this instance's shard, 0 to " + (total - 1)
                        + ", or to auto on a StatefulSet pod (name ending in -N)");
            }
            return ShardAssignment.UNSHARDED;
        }
        int shard = shardText.equalsIgnoreCase(AUTO)
                ? ordinal(environment, described.apply(SHARD))
                : number(shardText, described.apply(SHARD), total);
        if (shard >= total) {
            throw new ConfigException(described.apply(SHARD) + "=" + shard + " is not below " + described.apply(TOTAL)
                    + "=" + total + (totalText == null ? " (the default)" : "") + ": shards are numbered 0 to "
                    + (total - 1) + "; set " + described.apply(TOTAL) + " to the number of shards");
        }
        return new ShardAssignment(shard, total);
    }

    /** Integer.parseInt takes any Unicode digit (٣ is 3): a setting is ASCII digits only. */
    private static int asciiNumber(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '-' || c == '+')) {
            throw new NumberFormatException(text);
        }
        return Integer.parseInt(text);
    }

    private static int total(String text, String name) {
        try {
            int n = asciiNumber(text);
            if (n >= 1 && n <= ShardAssignment.MAX_TOTAL) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(name + "='" + text + "' is not a whole number of shards from 1 to "
                + ShardAssignment.MAX_TOTAL + ": give e.g. 3 (1 = unsharded)");
    }

    private static int number(String text, String name, int total) {
        try {
            int n = asciiNumber(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(name + "='" + text + "' is neither a shard number from 0 to " + (total - 1)
                + " nor auto (the ordinal of a StatefulSet pod)");
    }

    private static int ordinal(Function<String, String> environment, String name) {
        for (String variable : new String[] {"POD_NAME", "HOSTNAME"}) {
            String pod = environment.apply(variable);
            if (pod != null && !pod.isBlank()) {
                Matcher m = ORDINAL.matcher(pod.trim());
                if (m.matches()) {
                    return Integer.parseInt(m.group(1));
                }
                throw new ConfigException(name + "=auto but " + variable + "='" + pod.trim() + "' does not end in -N"
                        + " (a StatefulSet pod's ordinal): run as a StatefulSet or set the shard number");
            }
        }
        throw new ConfigException(name + "=auto but neither POD_NAME nor HOSTNAME is set: pass the pod name"
                + " (env POD_NAME from metadata.name) or set the shard number");
    }
}
