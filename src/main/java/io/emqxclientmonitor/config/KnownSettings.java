package io.emqxclientmonitor.config;

import io.emqxclientmonitor.events.mqtt.MqttFeedSettingsReader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting the exporter reads under its prefixes ({@code emqx.}, {@code monitor.}, {@code metrics.}). A key
 * under these prefixes that is not listed here is a mistake, from whichever source it comes (application.properties,
 * {@code -D}, environment, {@code --cfg}). <b>Add new settings here</b>, and nowhere else.
 */
public final class KnownSettings {
    public static final List<String> PREFIXES = List.of("emqx.", "monitor.", "metrics.");
    public static final String BROKER_PREFIX = "emqx.broker.";

    /** Settings that exist once. */
    private static final Set<String> GLOBAL = new TreeSet<>(List.of(
            "emqx.brokers",
            "emqx.url", "emqx.api.key", "emqx.api.secret", "emqx.alias",
            "emqx.timeout-seconds", "emqx.attempts", "emqx.retry-delay-ms",
            "emqx.tls.ca-bundle", "emqx.tls.insecure",
            "emqx.max-request-line",
            "emqx.clients", "emqx.clients-file",
            "monitor.clients-file-check-seconds",
            "monitor.poll-interval-seconds",
            "monitor.shard", "monitor.total-shards",
            "monitor.first-poll-delay-ms",
            "monitor.state-file",
            "monitor.state-file-read-only",
            "monitor.event-retention",
            "monitor.removed-client-retention",
            "monitor.max-clients", "monitor.forget-after",
            "emqx.clients.like", "emqx.clients.pattern",
            "monitor.web.basic-auth.users", "monitor.web.basic-auth.htpasswd",
            "monitor.web.idle-timeout-seconds", "monitor.web.header-timeout-seconds", "monitor.web.max-connections"));

    /**
     * What {@code emqx.broker.<name>.} may be followed by. Each falls back to {@code emqx.<key>} when unset, except
     * {@code url} (every broker has its own) and {@code alias} (defaults to the broker's name); see {@link #FALLS_BACK}.
     */
    public static final Set<String> PER_BROKER = new TreeSet<>(List.of(
            "url", "api.key", "api.secret", "alias", "timeout-seconds", "attempts",
            "tls.ca-bundle", "tls.insecure", "clients", "clients-file", "clients.like", "clients.pattern"));

    /** The per-broker keys that fall back to the single-broker key of the same name. */
    public static final Set<String> FALLS_BACK = new TreeSet<>(List.of(
            "api.key", "api.secret", "timeout-seconds", "attempts", "tls.ca-bundle", "tls.insecure", "clients", "clients-file",
            "clients.like", "clients.pattern"));

    static {
        // the live event feed (issue 9): every key per broker, falling back to emqx.events.*
        for (String key : EventFeedConfig.KEYS) {
            GLOBAL.add("emqx." + key);
            PER_BROKER.add(key);
            FALLS_BACK.add(key);
        }
        GLOBAL.add("metrics.enable-event-metrics");
        for (String flag : MetricFlags.defaultsByName().keySet()) {
            GLOBAL.add(ConfigLoader.FLAG_PREFIX + flag.replace('_', '-'));
        }
        // the MQTT feed's reconnect back-off, for every broker
        GLOBAL.addAll(MqttFeedSettingsReader.GLOBAL_SETTINGS);
    }

    private KnownSettings() {
    }

    public static boolean ours(String key) {
        return PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** Every valid key, per-broker ones spelled out for the given broker names. */
    public static Set<String> all(Collection<String> brokerNames) {
        Set<String> keys = new TreeSet<>(GLOBAL);
        for (String broker : brokerNames) {
            for (String suffix : PER_BROKER) {
                keys.add(BROKER_PREFIX + broker + "." + suffix);
            }
        }
        return keys;
    }

    /**
     * Why {@code key} is not a setting (with the nearest valid one), or null when it is one.
     *
     * @param described how to name the key in the message (where the user wrote it)
     */
    public static String problem(String key, Collection<String> brokerNames, String described) {
        if (!ours(key) || GLOBAL.contains(key)) {
            return null;
        }
        if (key.startsWith(BROKER_PREFIX)) {
            String rest = key.substring(BROKER_PREFIX.length());
            int dot = rest.indexOf('.');
            String broker = dot < 0 ? rest : rest.substring(0, dot);
            String suffix = dot < 0 ? "" : rest.substring(dot + 1);
            if (brokerNames.contains(broker)) {
                if (PER_BROKER.contains(suffix)) {
                    return null;
                }
                return "unknown setting " + described + ": did you mean " + BROKER_PREFIX + broker + "."
                        + nearest(suffix, PER_BROKER) + "? (per broker: " + String.join(", ", PER_BROKER) + ")";
            }
            if (PER_BROKER.contains(suffix)) {
                return described + " is for broker '" + broker + "', which is not in emqx.brokers ("
                        + (brokerNames.isEmpty() ? "not set" : String.join(",", brokerNames))
                        + "): add it to emqx.brokers or remove the setting";
            }
        }
        String near = nearest(key, all(brokerNames));
        if (key.startsWith(ConfigLoader.FLAG_PREFIX)) {
            return "unknown metric flag " + described + ": did you mean " + near + "?";
        }
        return "unknown setting " + described + ": did you mean " + near + "?";
    }

    /** The environment variable Camel reads for a key: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Valid keys by their environment variable name. */
    public static Map<String, String> byEnvName(Collection<String> brokerNames) {
        Map<String, String> byEnv = new LinkedHashMap<>();
        for (String key : all(brokerNames)) {
            byEnv.putIfAbsent(envName(key), key);
        }
        return byEnv;
    }

    public static String nearest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(wrong, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance (insertions, deletions, substitutions). */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The names in {@code emqx.brokers}, trimmed, empty entries dropped. */
    public static List<String> brokerNames(String brokers) {
        List<String> names = new ArrayList<>();
        if (brokers != null) {
            for (String name : brokers.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        return names;
    }
}
