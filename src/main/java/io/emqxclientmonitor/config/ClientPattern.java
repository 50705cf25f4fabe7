package io.emqxclientmonitor.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients of a broker watched by pattern rather than listed one by one ({@code emqx.clients.like},
 * {@code emqx.clients.pattern}), and the bounds on them ({@code monitor.max-clients}, {@code monitor.forget-after}).
 *
 * @param like        substring sent to EMQX as {@code like_clientid} (server-side filter), or null to scan every client
 * @param regex       client-side filter with the alias in group {@code alias} or else group 1; null: any id with {@code like}
 * @param maxClients  most clients watched by pattern at once on this broker (explicit clients do not count)
 * @param forgetAfter a pattern client EMQX has not listed for this long is forgotten, series and history
 * @param shards      which share of the matches this instance watches ({@code monitor.shard}), for the broker
 *                    {@code shardBroker}: a match another shard owns is not this instance's
 */
public record ClientPattern(String like, Pattern regex, int maxClients, Duration forgetAfter, ShardAssignment shards,
                            String shardBroker) {
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(3);
    /** No pattern: only the explicit list is watched. */
    public static final ClientPattern NONE = new ClientPattern(null, null, DEFAULT_MAX_CLIENTS, DEFAULT_FORGET_AFTER);
    /**
     * Characters a regex may read to decide one client id: a regex that backtracks catastrophically on some id (a
     * clumsy {@code (a+)+}, an id made to trigger it) gives up on that id (not watched) instead of stalling the poll.
     */
    static final int MAX_REGEX_STEPS = 1_000_000;

    public ClientPattern {
        shards = shards == null ? ShardAssignment.UNSHARDED : shards;
    }

    /** Unsharded. */
    public ClientPattern(String like, Pattern regex, int maxClients, Duration forgetAfter) {
        this(like, regex, maxClients, forgetAfter, ShardAssignment.UNSHARDED, null);
    }

    /** The same pattern, watching only the matches this shard owns on that broker. */
    public ClientPattern ownedBy(ShardAssignment shardAssignment, String brokerAlias) {
        return new ClientPattern(like, regex, maxClients, forgetAfter, shardAssignment, brokerAlias);
    }

    public boolean configured() {
        return like != null || regex != null;
    }

    /**
     * The alias of a client the pattern matches, or null when it does not match. The substring is checked here too:
     * an EMQX (or a proxy) that ignores {@code like_clientid} answers with everyone.
     */
    public String aliasOf(String clientId) {
        if (!configured() || clientId == null || (like != null && !clientId.contains(like))
                || !shards.owns(shardBroker, clientId)) {
            return null;
        }
        if (regex == null) {
            return clientId;
        }
        Matcher m = regex.matcher(new BoundedChars(clientId, MAX_REGEX_STEPS));
        try {
            if (!m.find()) {
                return null;
            }
        } catch (BoundedChars.TooManySteps e) {
            return null;
        }
        String alias = null;
        boolean named = false;
        if (regex.pattern().contains("(?<alias>")) { // Java 17 has no Pattern.namedGroups(); the text may be quoted
            try {
                alias = m.group("alias");
                named = true;
            } catch (IllegalArgumentException notAGroup) {
                // (?<alias> inside \Q…\E or a character class: not a named group
            }
        }
        if (!named && m.groupCount() >= 1) {
            alias = m.group(1);
        }
        return alias == null || alias.isEmpty() ? clientId : alias;
    }

    /** As the operator wrote it, for logs and {@code check}. */
    public String describe() {
        return (like == null ? "" : "like '" + like + "'") + (like != null && regex != null ? " and " : "")
                + (regex == null ? "" : "regex " + regex.pattern());
    }
}
