package io.emqxclientmonitor.web;

import io.emqxclientmonitor.config.ConfigException;
import org.mindrot.jbcrypt.BCrypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users allowed to read {@code /metrics}, the JSON API and the landing page, with hashed passwords, in the
 * spirit of the Prometheus exporter-toolkit's {@code basic_auth_users}: {@code user:hash,user:hash}. A hash is a
 * bcrypt hash ({@code $2y$}/{@code $2b$}/{@code $2a$}, e.g. from {@code htpasswd -nBC 10 prometheus}) or
 * {@code sha256:} followed by the 64 hex digits of the password's SHA-256 (e.g. from
 * {@code printf %s 'password' | sha256sum}). Plain passwords are refused. Nothing here ever prints a hash or a
 * password.
 */
public final class BasicAuthUsers {
    public static final String SETTING = "monitor.web.basic-auth.users";
    /** An htpasswd file ({@code htpasswd -cB FILE prometheus}): one {@code user:hash} per line. */
    public static final String FILE_SETTING = "monitor.web.basic-auth.htpasswd";
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    private final Map<String, String> hashes;
    /**
     * Checked for unknown users (and next to SHA-256 users when bcrypt users exist), at the highest bcrypt cost
     * configured, so an unknown user name takes as long as a known user's wrong password; null without bcrypt users.
     */
    private final String dummyHash;

    private BasicAuthUsers(Map<String, String> hashes) {
        this.hashes = hashes;
        int cost = hashes.values().stream().filter(h -> !h.startsWith("sha256:"))
                .mapToInt(h -> Integer.parseInt(h.substring(4, 6))).max().orElse(0);
        this.dummyHash = cost == 0 ? null : BCrypt.hashpw("not a user", BCrypt.gensalt(Math.max(4, Math.min(30, cost))));
    }

    /** @return the users, or null when the setting is empty (no authentication) */
    public static BasicAuthUsers parse(String setting) {
        return parse(setting, null);
    }

    /**
     * @param setting  {@value #SETTING}: {@code user:hash} entries separated by commas, or null
     * @param htpasswd {@value #FILE_SETTING}: a file with one {@code user:hash} per line, or null
     * @return the users of both, or null when both are empty (no authentication)
     */
    public static BasicAuthUsers parse(String setting, Path htpasswd) {
        Map<String, String> hashes = new LinkedHashMap<>();
        if (setting != null) {
            for (String entry : setting.split(",")) {
                add(hashes, entry, SETTING, "list users as user:hash separated by commas");
            }
        }
        if (htpasswd != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(htpasswd);
            } catch (IOException e) {
                throw new ConfigException(FILE_SETTING + ": cannot read " + htpasswd + " (" + e.getClass().getSimpleName()
                        + "): give the path of a readable htpasswd file (htpasswd -cB FILE user)");
            }
            for (String line : lines) {
                if (!line.trim().startsWith("#")) {
                    add(hashes, line, FILE_SETTING + " (" + htpasswd + ")", "write one user:hash per line");
                }
            }
        }
        return hashes.isEmpty() ? null : new BasicAuthUsers(hashes);
    }

    private static void add(Map<String, String> hashes, String entry, String where, String fix) {
        String trimmed = entry.trim();
        if (trimmed.isEmpty()) {
            return;
        }
        int colon = trimmed.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException(where + ": an entry is not user:hash: " + fix);
        }
        String user = trimmed.substring(0, colon);
        String hash = trimmed.substring(colon + 1).trim();
        if (!BCRYPT.matcher(hash).matches() && !SHA256.matcher(hash).matches()) {
            throw new ConfigException(where + ": the password of user '" + user + "' is not a bcrypt hash"
                    + " or sha256:<64 hex digits>: give a hash, never the password (make one with: htpasswd -nBC 10 "
                    + user + ")");
        }
        if (hashes.put(user, hash) != null) {
            throw new ConfigException(where + ": user '" + user + "' is listed twice: list each user once");
        }
    }

    /** Slow on purpose for bcrypt (run it off the event loop). */
    public boolean check(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null || hash.startsWith("sha256:")) {
            if (dummyHash != null) {
                BCrypt.checkpw(password, dummyHash);
            }
            byte[] expected = HexFormat.of().parseHex(hash == null ? "00".repeat(32) : hash.substring("sha256:".length()));
            return MessageDigest.isEqual(expected, sha256(password)) && hash != null;
        }
        try {
            // jBCrypt knows the $2a$ prefix only; $2b$ and $2y$ are the same algorithm for passwords jBCrypt hashes
            return BCrypt.checkpw(password, "$2a$" + hash.substring(4));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public int size() {
        return hashes.size();
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BasicAuthUsers" + hashes.keySet();
    }
}
