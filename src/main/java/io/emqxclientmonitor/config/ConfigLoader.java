package io.emqxclientmonitor.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the exporter's properties ({@code emqx.*}, {@code monitor.*}, {@code metrics.*}) into a validated
 * {@link MonitorConfig}. Every mistake becomes a {@link ConfigException} naming the setting and the fix.
 */
public final class ConfigLoader {
    static final String FLAG_PREFIX = "metrics.enable-";

    private final Function<String, String> property;
    private final Set<String> knownKeys;

    /**
     * @param property  looks a property up (after env/-D overrides), null when unset
     * @param knownKeys every property key that is set, used to catch misspelled flags
     */
    public ConfigLoader(Function<String, String> property, Set<String> knownKeys) {
        this.property = property;
        this.knownKeys = knownKeys;
    }

    public MonitorConfig load() {
        MetricFlags flags = loadFlags();
        List<BrokerConfig> brokers = new ArrayList<>();
        String brokerNames = value("emqx.brokers");
        if (brokerNames == null) {
            brokers.add(loadBroker("default", "emqx."));
        } else {
            for (String name : brokerNames.split(",")) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty()) {
                    brokers.add(loadBroker(trimmed, "emqx.broker." + trimmed + "."));
                }
            }
        }
        rejectDuplicateBrokerAliases(brokers);
        Duration poll = Duration.ofMillis(Math.round(positiveNumber("monitor.poll-interval-seconds", "15") * 1000));
        String stateFile = value("monitor.state-file");
        int retention = (int) positiveNumber("monitor.event-retention", "20");
        return new MonitorConfig(brokers, poll, flags, stateFile == null ? null : Path.of(stateFile), retention);
    }

    /** Re-reads only the monitored clients of a broker, for live changes of a clients file. */
    public static List<MonitoredClient> reloadClients(BrokerConfig broker) {
        List<MonitoredClient> clients = MonitoredClientsFile.read(broker.clientsFile(), "clients file of broker " + broker.alias());
        rejectDuplicateClients(clients, "clients file " + broker.clientsFile());
        return clients;
    }

    /** The inline clients followed by the clients file's, re-read, checked together as at start. */
    public static List<MonitoredClient> reloadClients(BrokerConfig broker, List<MonitoredClient> inline) {
        List<MonitoredClient> clients = new ArrayList<>(inline);
        clients.addAll(reloadClients(broker));
        rejectDuplicateClients(clients, "broker '" + broker.alias() + "'");
        return clients;
    }

    private MetricFlags loadFlags() {
        Map<String, Boolean> defaults = MetricFlags.defaultsByName();
        for (String key : knownKeys) {
            if (key.startsWith(FLAG_PREFIX)) {
                String name = key.substring(FLAG_PREFIX.length()).replace('-', '_');
                if (!defaults.containsKey(name)) {
                    throw new ConfigException("unknown metric flag '" + key + "': the flags are "
                            + String.join(", ", defaults.keySet().stream().map(n -> FLAG_PREFIX + n.replace('_', '-')).toList()));
                }
            }
        }
        return MetricFlags.fromNames(name -> bool(FLAG_PREFIX + name.replace('_', '-'), defaults.get(name)));
    }

    private BrokerConfig loadBroker(String name, String prefix) {
        String alias = valueOr(prefix + "alias", name.equals("default") ? "emqx" : name);
        URI apiUrl = apiUrl(prefix + "url");
        String key = required(prefix + "api.key", "the API key created in EMQX's dashboard (System > API Keys)");
        String secret = required(prefix + "api.secret", "the secret shown when the API key was created");
        Duration timeout = Duration.ofMillis(Math.round(positiveNumber(withFallback(prefix, "timeout-seconds"), "5") * 1000));
        int attempts = (int) positiveNumber(withFallback(prefix, "attempts"), "3");
        TlsSettings tls = tls(prefix);
        String clientsFileSetting = prefix + "clients-file";
        String clientsFile = value(clientsFileSetting);
        String inline = value(prefix + "clients");
        List<MonitoredClient> clients = new ArrayList<>();
        if (inline != null) {
            clients.addAll(parseInline(prefix + "clients", inline));
        }
        Path file = null;
        if (clientsFile != null) {
            file = Path.of(clientsFile);
            clients.addAll(MonitoredClientsFile.read(file, clientsFileSetting));
        }
        if (clients.isEmpty()) {
            throw new ConfigException("no clients to monitor on broker '" + alias + "': set " + prefix
                    + "clients=alias=client_id,… or " + clientsFileSetting + "=<YAML file with monitored_clients>");
        }
        rejectDuplicateClients(clients, "broker '" + alias + "'");
        return new BrokerConfig(name, alias, apiUrl, key, secret, timeout, attempts, tls, clients, file);
    }

    private TlsSettings tls(String prefix) {
        boolean insecure = bool(withFallback(prefix, "tls.insecure"), false);
        String caSetting = withFallback(prefix, "tls.ca-bundle");
        String ca = value(caSetting);
        Path caBundle = null;
        if (ca != null) {
            caBundle = Path.of(ca);
            if (!Files.isReadable(caBundle)) {
                throw new ConfigException(caSetting + ": cannot read the CA bundle " + ca
                        + ": give the path of a readable PEM file");
            }
        }
        return new TlsSettings(caBundle, insecure);
    }

    private URI apiUrl(String setting) {
        String raw = required(setting, "EMQX's API base URL, e.g. http://emqx:18083/api");
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(setting + "='" + raw + "' is not a valid URL: write it like http://emqx:18083/api");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(setting + "='" + raw + "' is not an http(s) URL with a host: write it like http://emqx:18083/api");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new ConfigException(setting + "='" + raw + "' has a query or fragment: give only the API base, like http://emqx:18083/api");
        }
        return URI.create(normaliseApiBase(uri.toString()));
    }

    /** Accepts the base with or without trailing slash, with or without {@code /api} or {@code /api/v5}. */
    public static String normaliseApiBase(String url) {
        String base = url.replaceAll("/+$", "");
        if (base.endsWith("/api/v5")) {
            base = base.substring(0, base.length() - 3);
        }
        URI uri = URI.create(base);
        if (uri.getPath() == null || uri.getPath().isEmpty()) {
            base = base + "/api";
        }
        return base;
    }

    private static List<MonitoredClient> parseInline(String setting, String inline) {
        List<MonitoredClient> clients = new ArrayList<>();
        for (String entry : inline.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0 || eq == trimmed.length() - 1) {
                throw new ConfigException(setting + ": '" + trimmed
                        + "' is not alias=client_id: list clients as alias=client_id separated by commas (or use a clients file for ids with commas)");
            }
            clients.add(new MonitoredClient(trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim()));
        }
        return clients;
    }

    private static void rejectDuplicateClients(List<MonitoredClient> clients, String where) {
        Set<String> aliases = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (MonitoredClient client : clients) {
            if (!aliases.add(client.alias())) {
                throw new ConfigException("duplicate alias '" + client.alias() + "' on " + where
                        + ": every monitored client needs its own alias");
            }
            if (!ids.add(client.clientId())) {
                throw new ConfigException("duplicate client_id '" + client.clientId() + "' on " + where
                        + ": list each client id once");
            }
        }
    }

    private static void rejectDuplicateBrokerAliases(List<BrokerConfig> brokers) {
        Set<String> aliases = new HashSet<>();
        for (BrokerConfig broker : brokers) {
            if (!aliases.add(broker.alias())) {
                throw new ConfigException("two brokers share the alias '" + broker.alias()
                        + "': give each broker its own emqx.broker.<name>.alias");
            }
        }
    }

    /** Per-broker keys fall back to the single-broker key of the same name. */
    private String withFallback(String prefix, String suffix) {
        String own = prefix + suffix;
        return value(own) != null || prefix.equals("emqx.") ? own : "emqx." + suffix;
    }

    private String required(String setting, String what) {
        String v = value(setting);
        if (v == null) {
            throw new ConfigException(setting + " is not set: set it to " + what + " (property " + setting
                    + " or env " + envName(setting) + ")");
        }
        return v;
    }

    private double positiveNumber(String setting, String defaultValue) {
        String v = valueOr(setting, defaultValue);
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(setting + "='" + v + "' is not a positive number: give a number such as " + defaultValue);
    }

    private boolean bool(String setting, boolean defaultValue) {
        String v = valueOr(setting, Boolean.toString(defaultValue)).toLowerCase(Locale.ROOT);
        if (Arrays.asList("true", "false").contains(v)) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(setting + "='" + v + "' is not true or false");
    }

    private String valueOr(String setting, String defaultValue) {
        String v = value(setting);
        return v == null ? defaultValue : v;
    }

    private String value(String setting) {
        String v = property.apply(setting);
        return v == null || v.isBlank() ? null : v.trim();
    }

    static String envName(String setting) {
        return setting.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
