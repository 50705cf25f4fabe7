package io.emqxclientmonitor.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The exporter's settings ({@code emqx.*}, {@code monitor.*}, {@code metrics.*}) from all their sources, the first
 * that has a key wins:
 * <ol>
 *   <li>command-line options ({@code --listen}), {@code --cfg FILE} and what a subcommand sets itself
 *       (Camel's override properties),</li>
 *   <li>{@code -D} system properties,</li>
 *   <li>environment variables ({@code emqx.api.secret} as {@code EMQX_API_SECRET}),</li>
 *   <li>{@code application.properties}.</li>
 * </ol>
 * Values from the first three are taken as they are (a secret may contain {@code {{}); only
 * application.properties goes through Camel's placeholder resolution.
 */
public final class SettingSources {
    private static final List<String> ENV_PREFIXES = KnownSettings.PREFIXES.stream().map(KnownSettings::envName).toList();
    /**
     * Not ours though under our prefixes: Kubernetes' service links for a Service named emqx, monitor or metrics
     * ({@code EMQX_SERVICE_HOST}, {@code EMQX_PORT_18083_TCP_ADDR}, ...) and EMQX's own settings
     * ({@code EMQX_NODE__COOKIE}: double underscores, as in an env file shared with the broker).
     */
    private static final Pattern NOT_OURS = Pattern.compile(
            ".*__.*|.*_SERVICE_HOST|.*_SERVICE_PORT(_.*)?|.*_PORT|.*_PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?");

    private final Map<String, String> layered;
    private final Set<String> fileKeys;
    private final Function<String, String> fromFile;

    private SettingSources(Map<String, String> layered, Set<String> fileKeys, Function<String, String> fromFile) {
        this.layered = layered;
        this.fileKeys = fileKeys;
        this.fromFile = fromFile;
    }

    /**
     * @param overrides  Camel's override properties (command line, --cfg, the subcommand's own)
     * @param system     the JVM's system properties
     * @param env        the process environment
     * @param fileKeys   keys set in application.properties
     * @param fromFile   looks a key up in application.properties (with Camel's placeholders), null when unset
     */
    public static SettingSources of(Properties overrides, Properties system, Map<String, String> env,
                                    Set<String> fileKeys, Function<String, String> fromFile) {
        Map<String, String> fromSystem = ours(system);
        Map<String, String> fromOverrides = ours(overrides);
        String brokers = fromOverrides.getOrDefault("emqx.brokers", fromSystem.getOrDefault("emqx.brokers",
                env.getOrDefault("EMQX_BROKERS", fromFile.apply("emqx.brokers"))));
        Map<String, String> layered = new LinkedHashMap<>(fromEnv(env, KnownSettings.brokerNames(brokers)));
        layered.putAll(fromSystem);
        layered.putAll(fromOverrides);
        return new SettingSources(layered, fileKeys, fromFile);
    }

    /** The value of a key, raw from the first source that has it, else from application.properties. */
    public String value(String key) {
        String v = layered.get(key);
        return v != null ? v : fromFile.apply(key);
    }

    /** Every key under our prefixes that some source sets. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>(fileKeys);
        keys.addAll(layered.keySet());
        keys.removeIf(key -> !KnownSettings.ours(key));
        return keys;
    }

    /** What the environment and -D set, for Camel's placeholders in the routes (e.g. {@code {{emqx.retry-delay-ms}}}). */
    public Map<String, String> layered() {
        return layered;
    }

    private static Map<String, String> ours(Properties properties) {
        Map<String, String> ours = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (KnownSettings.ours(key)) {
                ours.put(key, properties.getProperty(key));
            }
        }
        return ours;
    }

    /** Our environment variables as keys; one that is none is a mistake named with the nearest valid variable. */
    static Map<String, String> fromEnv(Map<String, String> env, List<String> brokerNames) {
        Map<String, String> byEnvName = KnownSettings.byEnvName(brokerNames);
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(env.keySet());
        names.sort(null);
        for (String name : names) {
            if (ENV_PREFIXES.stream().noneMatch(name::startsWith) || NOT_OURS.matcher(name).matches()) {
                continue;
            }
            String key = byEnvName.get(name);
            if (key == null) {
                String near = KnownSettings.nearest(name, byEnvName.keySet());
                throw new ConfigException("unknown setting in environment variable " + name + ": did you mean "
                        + near + " (" + byEnvName.get(near) + ")?");
            }
            keys.put(key, env.get(name));
        }
        return keys;
    }
}
