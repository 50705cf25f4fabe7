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
    /** Room for {@code like_clientid=…} on the request line next to page, limit and {@code fields=}. */
    static final int MAX_LIKE_BYTES = 1000;
    /** {@code scheme://user:password@host}: an '@' in the authority, before any path, query or fragment. */
    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("^[^:/?#]*://[^/?#]*@");

    private final Function<String, String> property;
    private final Set<String> knownKeys;
    private final Function<String, String> described;
    private Function<String, String> environment = System::getenv;

    /**
     * @param property  looks a property up (after env/-D overrides), null when unset
     * @param knownKeys every property key that is set, from any source: each under our prefixes must be a setting
     */
    public ConfigLoader(Function<String, String> property, Set<String> knownKeys) {
        this(property, knownKeys, Function.identity());
    }

    /** @param described how a setting is named in messages (e.g. the config.yaml key it came from) */
    public ConfigLoader(Function<String, String> property, Set<String> knownKeys, Function<String, String> described) {
        this.property = property;
        this.knownKeys = knownKeys;
        this.described = key -> {
            String name = described.apply(key);
            return name == null ? key : name;
        };
    }

    /** Where {@code monitor.shard=auto} reads POD_NAME and HOSTNAME (tests give their own). */
    public ConfigLoader environment(Function<String, String> variables) {
        this.environment = variables;
        return this;
    }

    /** {@code monitor.shard} and {@code monitor.total-shards}: which share of the clients this instance watches. */
    public ShardAssignment shards() {
        return ShardSettings.read(this::value, environment, described);
    }

    public MonitorConfig load() {
        rejectUnknownKeys();
        ShardAssignment shards = shards();
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
        brokers.replaceAll(b -> b.withClients(shards.keep(b.alias(), b.clients()))
                .withPattern(b.pattern().ownedBy(shards, b.alias())));
        Duration poll = Duration.ofSeconds(wholeNumber("monitor.poll-interval-seconds", 15, 1, 86_400,
                "a whole number of seconds"));
        String stateFile = value("monitor.state-file");
        if (stateFile != null && Files.isDirectory(Path.of(stateFile))) {
            throw new ConfigException(described.apply("monitor.state-file") + "=" + stateFile + " is a directory: name a file"
                    + " in it, e.g. " + Path.of(stateFile, "state.json"));
        }
        int retention = (int) wholeNumber("monitor.event-retention", 20, 1, 10_000, "a whole number of events");
        wholeNumber("emqx.retry-delay-ms", 500, 0, 600_000, "a whole number of milliseconds");
        wholeNumber("monitor.first-poll-delay-ms", 0, 0, Long.MAX_VALUE, "a whole number of milliseconds");
        maxRequestLine();
        maxClients();
        forgetAfter();
        clientsFileCheck();
        stateFileReadOnly();
        return new MonitorConfig(brokers, poll, flags, stateFile == null ? null : Path.of(stateFile), retention, shards);
    }

    /** {@code emqx.max-request-line}: bytes of request line EMQX accepts (the monitored ids are batched to fit). */
    public int maxRequestLine() {
        return (int) wholeNumber("emqx.max-request-line", 8000, 256, 1_000_000, "a whole number of bytes");
    }

    /** {@code monitor.clients-file-check-seconds}: how often clients files are checked for edits. */
    public Duration clientsFileCheck() {
        return Duration.ofMillis(Math.round(positiveNumber("monitor.clients-file-check-seconds", "5", 0.01) * 1000));
    }

    /** {@code monitor.state-file-read-only}: read the state file for history, never write it ({@code check}). */
    public boolean stateFileReadOnly() {
        return bool("monitor.state-file-read-only", false);
    }

    /** Every key under our prefixes must be a setting: a misspelling is named with the nearest valid key. */
    private void rejectUnknownKeys() {
        List<String> brokerNames = KnownSettings.brokerNames(value("emqx.brokers"));
        for (String key : new java.util.TreeSet<>(knownKeys)) {
            String problem = KnownSettings.problem(key, brokerNames, described.apply(key));
            if (problem != null) {
                throw new ConfigException(problem);
            }
        }
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
        return MetricFlags.fromNames(name -> bool(FLAG_PREFIX + name.replace('_', '-'), defaults.get(name)));
    }

    private BrokerConfig loadBroker(String name, String prefix) {
        String alias = valueOr(prefix + "alias", name.equals("default") ? "emqx" : name);
        URI apiUrl = apiUrl(prefix + "url");
        String key = required(withFallback(prefix, "api.key"), "the API key created in EMQX's dashboard (System > API Keys)");
        String secret = required(withFallback(prefix, "api.secret"), "the secret shown when the API key was created");
        Duration timeout = Duration.ofMillis(Math.round(positiveNumber(withFallback(prefix, "timeout-seconds"), "5", 0.001) * 1000));
        int attempts = (int) wholeNumber(withFallback(prefix, "attempts"), 3, 1, 100, "a whole number of attempts");
        TlsSettings tls = tls(prefix, apiUrl);
        // the inline list and the file are one setting: a broker that names neither uses emqx.clients(-file)
        String clientsPrefix = value(prefix + "clients") != null || value(prefix + "clients-file") != null ? prefix : "emqx.";
        String clientsFileSetting = clientsPrefix + "clients-file";
        String clientsFile = value(clientsFileSetting);
        String inline = value(clientsPrefix + "clients");
        List<MonitoredClient> clients = new ArrayList<>();
        if (inline != null) {
            clients.addAll(parseInline(clientsPrefix + "clients", inline));
        }
        Path file = null;
        if (clientsFile != null) {
            file = Path.of(clientsFile);
            clients.addAll(MonitoredClientsFile.read(file, described.apply(clientsFileSetting)));
        }
        ClientPattern pattern = pattern(prefix);
        if (clients.isEmpty() && !pattern.configured()) {
            throw new ConfigException("no clients to monitor on broker '" + alias + "': set " + prefix
                    + "clients=alias=client_id,… or " + clientsFileSetting + "=<YAML file with monitored_clients>"
                    + " or " + prefix + "clients.like=<part of the client ids>");
        }
        rejectDuplicateClients(clients, "broker '" + alias + "'");
        return new BrokerConfig(name, alias, apiUrl, key, secret, timeout, attempts, tls, clients, file, pattern);
    }

    /**
     * {@code clients.like} and {@code clients.pattern} are one setting, as {@code clients} and {@code clients-file}
     * are: a broker that sets neither uses {@code emqx.clients.like}/{@code emqx.clients.pattern}.
     */
    private ClientPattern pattern(String prefix) {
        String patternPrefix = value(prefix + "clients.like") != null || value(prefix + "clients.pattern") != null
                ? prefix : "emqx.";
        String like = value(patternPrefix + "clients.like");
        if (like != null && java.net.URLEncoder.encode(like, java.nio.charset.StandardCharsets.UTF_8).length() > MAX_LIKE_BYTES) {
            throw new ConfigException(described.apply(patternPrefix + "clients.like") + " is longer than " + MAX_LIKE_BYTES
                    + " bytes URL-encoded: it goes on EMQX's request line (8000 bytes at most); give a shorter part of the ids");
        }
        String regexSetting = patternPrefix + "clients.pattern";
        String regex = value(regexSetting);
        java.util.regex.Pattern compiled = null;
        if (regex != null) {
            try {
                compiled = java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException(described.apply(regexSetting) + "='" + regex + "' is not a Java regular expression ("
                        + e.getDescription() + " near index " + e.getIndex() + "): write it like ^qingping-(?<alias>.+)$");
            }
        }
        return new ClientPattern(like, compiled, maxClients(), forgetAfter());
    }

    /** {@code monitor.max-clients}: most clients watched by pattern per broker (explicit ones always fit). */
    public int maxClients() {
        return (int) wholeNumber("monitor.max-clients", ClientPattern.DEFAULT_MAX_CLIENTS, 1, 1_000_000,
                "a whole number of clients");
    }

    /** {@code monitor.forget-after}: a client watched by pattern and not listed by EMQX for this long is forgotten. */
    public java.time.Duration forgetAfter() {
        return DurationSetting.parse(described.apply("monitor.forget-after"), value("monitor.forget-after"),
                ClientPattern.DEFAULT_FORGET_AFTER, "3d");
    }

    private TlsSettings tls(String prefix, URI apiUrl) {
        boolean insecure = bool(withFallback(prefix, "tls.insecure"), false);
        String caSetting = withFallback(prefix, "tls.ca-bundle");
        String ca = value(caSetting);
        Path caBundle = null;
        if (ca != null) {
            caBundle = Path.of(ca);
            CaBundle.validate(caBundle, described.apply(caSetting));
        }
        return new TlsSettings(caBundle, insecure);
    }

    private URI apiUrl(String setting) {
        String raw = required(setting, "EMQX's API base URL, e.g. http://emqx:18083/api");
        String name = described.apply(setting);
        if (USER_INFO.matcher(raw).find() || raw.indexOf('@') >= 0) { // any @: perhaps user info without a scheme
            throw new ConfigException(name + " has a user name or password in it (…@host): remove it from the URL and"
                    + " give the API key and secret as emqx.api.key and emqx.api.secret (env EMQX_API_SECRET)");
        }
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(name + "='" + raw + "' is not a valid URL: write it like http://emqx:18083/api");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(name + "='" + raw + "' is not an http(s) URL with a host: write it like http://emqx:18083/api");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw new ConfigException(name + "='" + raw + "' has no valid port (1 to 65535): write it like http://emqx:18083/api");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new ConfigException(name + " has a query or fragment: give only the API base, like http://emqx:18083/api");
        }
        return URI.create(normaliseApiBase(uri.toString()));
    }

    /** Whether a URL carries {@code user:password@} before its host (then it must be rejected, never echoed). */
    public static boolean hasUserInfo(String url) {
        return url != null && USER_INFO.matcher(url.trim()).find();
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

    /** Per-broker keys fall back to the single-broker key of the same name ({@link KnownSettings#FALLS_BACK}). */
    private String withFallback(String prefix, String suffix) {
        String own = prefix + suffix;
        return value(own) != null || prefix.equals("emqx.") || !KnownSettings.FALLS_BACK.contains(suffix) ? own : "emqx." + suffix;
    }

    private String required(String setting, String what) {
        String v = value(setting);
        if (v == null) {
            throw new ConfigException(described.apply(setting) + " is not set: set it to " + what + " (property " + setting
                    + " or env " + envName(setting) + ")");
        }
        return v;
    }

    private double positiveNumber(String setting, String defaultValue, double atLeast) {
        String v = valueOr(setting, defaultValue);
        try {
            double d = Double.parseDouble(v);
            if (d >= atLeast && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(described.apply(setting) + "='" + v + "' is not a positive number"
                + (atLeast > 0.001 ? " of at least " + atLeast : "") + ": give a number such as " + defaultValue);
    }

    /** A whole number within [min, max]; {@code what} says what it counts, e.g. "a whole number of seconds". */
    private long wholeNumber(String setting, long defaultValue, long min, long max, String what) {
        String v = valueOr(setting, Long.toString(defaultValue));
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(described.apply(setting) + "='" + v + "' is not " + what + " from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max) + ": give e.g. " + defaultValue);
    }

    private boolean bool(String setting, boolean defaultValue) {
        String v = valueOr(setting, Boolean.toString(defaultValue)).toLowerCase(Locale.ROOT);
        if (Arrays.asList("true", "false").contains(v)) {
            return Boolean.parseBoolean(v);
        }
        throw new ConfigException(described.apply(setting) + "='" + v + "' is not true or false");
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
