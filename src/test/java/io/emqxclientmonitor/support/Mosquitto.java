package io.emqxclientmonitor.support;

import org.junit.jupiter.api.Assumptions;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT 5 broker for the tests: Debian's mosquitto 2.0, started on a free port of 127.0.0.1 with its
 * dynamic-security plugin, which (unlike the plain acl_file) refuses a SUBSCRIBE the user may not make with a SUBACK
 * failure code, like EMQX's authorization does for {@code $SYS}. Clients of mosquitto may not publish to
 * {@code $SYS}, so events travel under {@link #SYS_PREFIX}: the filter still has {@code $}, {@code +} and {@code #}.
 * <p>
 * Users: {@link #FEED_USER} may subscribe to the events, {@link #STRANGER} may subscribe to nothing,
 * {@link #PUBLISHER} may publish anywhere. {@link #kill()} and {@link #restart()} keep the port.
 * <p>
 * Without mosquitto installed a test is skipped with the reason, except on CI (environment {@code CI} or
 * {@code -Dmonitor.ci=true}, as .ci/run sets), where it fails: a CI run must not pass without the broker.
 */
public final class Mosquitto implements AutoCloseable {
    public static final String SYS_PREFIX = "sim/";
    public static final String EVENTS_FILTER = SYS_PREFIX + "$SYS/brokers/+/clients/#";
    public static final String REPUBLISH_TOPIC = "presence/events";
    public static final String FEED_USER = "monitor";
    public static final String FEED_PASSWORD = "feed-Pa55word-never-logged";
    public static final String STRANGER = "stranger";
    public static final String STRANGER_PASSWORD = "stranger-pw";
    public static final String PUBLISHER = "simulator";
    public static final String PUBLISHER_PASSWORD = "simulator-pw";
    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    private static final String PLUGIN = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";

    private final Path dir;
    private final int port;
    private Process process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker, or skips (locally) / fails (CI) the calling test when mosquitto is not installed. */
    public static Mosquitto start() {
        requireInstalled();
        try {
            // mosquitto started as root drops to the user mosquitto: it must be able to read its files
            Path dir = Files.createTempDirectory("mosquitto",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Mosquitto broker = new Mosquitto(dir, RunningExporter.freePort());
            broker.writeConfig();
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireInstalled() {
        if (Files.isExecutable(BINARY) && Files.exists(Path.of(PLUGIN))) {
            return;
        }
        String reason = "mosquitto 2 with its dynamic-security plugin is not installed (" + BINARY + ", " + PLUGIN
                + "): apt-get install mosquitto (.ci/run does)";
        if (System.getenv("CI") != null || Boolean.getBoolean("monitor.ci")) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Ends the broker at once (SIGKILL): its clients see the connection drop without a DISCONNECT. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /** Starts the broker again on the same port (after {@link #kill()}). */
    public void restart() {
        kill();
        launch();
    }

    private void launch() {
        try {
            process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited at start: " + log());
                }
                sleep(20);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port + " within 10 s: " + log());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void writeConfig() throws IOException {
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "persistence false",
                "log_type all",
                "plugin " + PLUGIN,
                "plugin_opt_config_file " + dir.resolve("dynamic-security.json"),
                ""));
        List<String> clients = new ArrayList<>();
        clients.add(client(FEED_USER, FEED_PASSWORD, "feed"));
        clients.add(client(STRANGER, STRANGER_PASSWORD, null));
        clients.add(client(PUBLISHER, PUBLISHER_PASSWORD, "publisher"));
        String roles = "[{\"rolename\":\"feed\",\"acls\":["
                + acl("subscribePattern", EVENTS_FILTER) + "," + acl("subscribePattern", REPUBLISH_TOPIC)
                + "," + acl("subscribePattern", "presence/#") + "]},"
                + "{\"rolename\":\"publisher\",\"acls\":[" + acl("publishClientSend", "#") + "]}]";
        Path security = dir.resolve("dynamic-security.json");
        Files.writeString(security, "{\"clients\":[" + String.join(",", clients)
                + "],\"roles\":" + roles + ",\"defaultACLAccess\":{\"publishClientSend\":false,"
                + "\"publishClientReceive\":true,\"subscribe\":false,\"unsubscribe\":true}}");
        Files.setPosixFilePermissions(security, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static String acl(String type, String topic) {
        return "{\"acltype\":\"" + type + "\",\"topic\":\"" + topic + "\",\"allow\":true}";
    }

    /** A dynamic-security client: PBKDF2-HMAC-SHA512 of the password, 64 bytes, as the plugin stores it. */
    private static String client(String user, String password, String role) {
        byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        byte[] hash;
        try {
            hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return "{\"username\":\"" + user + "\",\"password\":\"" + b64.encodeToString(hash) + "\",\"salt\":\""
                + b64.encodeToString(salt) + "\",\"iterations\":101,\"roles\":["
                + (role == null ? "" : "{\"rolename\":\"" + role + "\"}") + "]}";
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
