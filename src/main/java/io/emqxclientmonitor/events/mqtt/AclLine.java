package io.emqxclientmonitor.events.mqtt;

/** The line of EMQX's acl.conf (Erlang terms) that lets the feed's user subscribe to its topic filter. */
final class AclLine {
    private AclLine() {
    }

    static String forSubscription(String username, String topicFilter) {
        String who = username == null ? "all" : "{username, \"" + erlang(username) + "\"}";
        return "{allow, " + who + ", subscribe, [\"" + erlang(topicFilter) + "\"]}.";
    }

    private static String erlang(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
