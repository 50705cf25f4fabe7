package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.Application;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users script the command line: bad configuration is exit code 2 and one line on stderr, no stack trace. */
class CommandLineTest {

    @Test
    void aMistakeOnTheCommandLineIsOneLineAndExitCode2() {
        for (String[] args : List.of(new String[]{"--listen", "nope"}, new String[]{"demo", "--emqx-version", "5.5"},
                new String[]{"--no-such-option"}, new String[]{"chek"})) {
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(args)));
            List<String> lines = stderr.lines().filter(line -> !line.isBlank()).toList();
            assertEquals(1, lines.size(), String.join(" ", args) + ":\n" + stderr);
            assertTrue(lines.get(0).startsWith("emqx-client-monitor: ") && lines.get(0).contains("--help"), stderr);
        }
    }

    @Test
    void aBadReferenceConfigFileExitsWith2AndOneClearLine() throws Exception {
        Path file = Files.createTempFile("config", ".yaml");
        Files.writeString(file, "emqx: {api_key: k, api_url: 'http://e/api', alias: e}\nmonitored_clients: [{alias: a, client_id: b}]\n");
        String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
        assertTrue(stderr.contains("configuration error: emqx.api.secret is not set"), stderr);
        assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
        Files.delete(file);
    }

    @Test
    void patternMistakesExitWith2AndOneClearLine() throws Exception {
        // check, not serve: a mistake this test fails to provoke must not leave a server running on the default port
        Map<String, String> base = Map.of("emqx.url", "http://127.0.0.1:1/api", "emqx.api.key", "k",
                "emqx.api.secret", "s", "emqx.clients", "a=b");
        for (String[] setting : List.of(new String[]{"emqx.clients.pattern", "^qingping-(?<alias>.+$", "is not a Java regular expression"},
                new String[]{"monitor.max-clients", "-5", "is not a whole number of clients"},
                new String[]{"monitor.forget-after", "3 dayz", "is not a duration"})) {
            base.forEach(System::setProperty);
            System.setProperty(setting[0], setting[1]);
            try {
                String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"check"})));
                List<String> lines = stderr.lines().filter(line -> line.contains("emqx-client-monitor:")).toList();
                assertEquals(1, lines.size(), stderr);
                assertTrue(lines.get(0).contains(setting[0] + "='" + setting[1] + "' " + setting[2]), stderr);
                assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
            } finally {
                System.clearProperty(setting[0]);
                base.keySet().forEach(System::clearProperty);
            }
        }
    }

    @Test
    void withCfgTheFilesClientsAreTheWholeListAndAPatternSetElsewhereIsIgnored() throws Exception {
        Path file = Files.createTempFile("config", ".yaml");
        Files.writeString(file, "emqx: {api_key: k, api_secret: s, api_url: 'http://127.0.0.1:1/api', alias: e}\n"
                + "monitored_clients: [{alias: a, client_id: b}]\n");
        System.setProperty("emqx.clients.pattern", "^qingping-(?<alias>.+$"); // would be a mistake if it were read
        try {
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString(), "check"})));
            assertFalse(stderr.contains("emqx.clients.pattern"), stderr);
            assertTrue(stderr.contains("127.0.0.1:1"), "check ran against the file's EMQX: " + stderr);
        } finally {
            System.clearProperty("emqx.clients.pattern");
            Files.delete(file);
        }
    }

    @Test
    void helpListsTheSubcommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Application.run(new String[]{"--help"}));
        } finally {
            System.setOut(original);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("demo"));
    }

    /** A file that would start the exporter but for the port (EMQX need not answer: nothing gets that far). */
    private static Path configOn(int port) throws Exception {
        Path file = Files.createTempFile("config", ".yaml");
        Files.writeString(file, "emqx: {api_key: k, api_secret: s, api_url: 'http://127.0.0.1:1/api', alias: e}\n"
                + "monitored_clients: [{alias: a, client_id: b}]\nprometheus: {port: " + port + ", address: 127.0.0.1}\n");
        file.toFile().deleteOnExit();
        return file;
    }

    private static void assertOneLineNamingThePort(String stderr, int port) {
        List<String> lines = stderr.lines().filter(line -> line.contains("emqx-client-monitor:")).toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).contains("127.0.0.1:" + port + ": the port is already in use"), stderr);
        assertTrue(lines.get(0).contains("--listen"), stderr);
        assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
    }

    @Test
    void servingOnABusyPortExitsWith2AndOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Path file = configOn(port);
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
            assertOneLineNamingThePort(stderr, port);
        }
    }

    @Test
    void theDemoOnABusyPortExitsWith2AndOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            String stderr = runCapturingStderr(() -> assertEquals(2,
                    Application.run(new String[]{"demo", "--listen", "127.0.0.1:" + port})));
            assertOneLineNamingThePort(stderr, port);
        }
    }

    @Test
    void listenBeatsTheCfgFilesPort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Path file = configOn(1);
            String stderr = runCapturingStderr(() -> assertEquals(2,
                    Application.run(new String[]{"--cfg", file.toString(), "--listen", "127.0.0.1:" + port})));
            assertOneLineNamingThePort(stderr, port);
        }
    }

    @Test
    void theCfgFilesPortBeatsJavaOptsSystemProperty() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Path file = configOn(port);
            System.setProperty("camel.server.port", "9671");
            try {
                String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
                assertOneLineNamingThePort(stderr, port);
            } finally {
                System.clearProperty("camel.server.port");
            }
        }
    }

    @Test
    void aMisspelledSystemPropertyIsAnError() {
        System.setProperty("emqx.timout-seconds", "3");
        try {
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"check"})));
            assertTrue(stderr.contains("unknown setting emqx.timout-seconds: did you mean emqx.timeout-seconds?"), stderr);
            assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
        } finally {
            System.clearProperty("emqx.timout-seconds");
        }
    }

    @Test
    void aMisspelledCamelSettingIsOneLineNotAStackTrace() throws Exception {
        System.setProperty("camel.server.prot", "s3cret-looking-value");
        try {
            Path file = configOn(1);
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
            List<String> lines = stderr.lines().filter(line -> line.contains("emqx-client-monitor:")).toList();
            assertEquals(1, lines.size(), stderr);
            assertTrue(lines.get(0).contains("camel.server.prot"), stderr);
            assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
            assertFalse(stderr.contains("s3cret-looking-value"), "the value may be a secret:\n" + stderr);
        } finally {
            System.clearProperty("camel.server.prot");
        }
    }

    @Test
    void anAddressThatIsNotHereIsOneLineNotAdviceAboutBusyPorts() throws Exception {
        Path file = configOn(1);
        String stderr = runCapturingStderr(() -> assertEquals(2,
                Application.run(new String[]{"--cfg", file.toString(), "--listen", "nosuchhost.invalid:19401"})));
        List<String> lines = stderr.lines().filter(line -> line.contains("emqx-client-monitor:")).toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(lines.get(0).contains("no such host or address here"), stderr);
    }

    @Test
    void aBadPortIsOneLine() throws Exception {
        for (String port : new String[]{"abc", "70000"}) {
            Path file = configOn(1);
            Files.writeString(file, Files.readString(file).replace("port: 1,", "port: " + port + ","));
            String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"--cfg", file.toString()})));
            assertTrue(stderr.contains("prometheus.port in --cfg " + file + "='" + port + "' is not a port number"), stderr);
            assertFalse(stderr.contains("\tat "), "no stack trace:\n" + stderr);
        }
    }

    @Test
    void anUnknownSimulatedVersionIsRefused() {
        String stderr = runCapturingStderr(() -> assertEquals(2, Application.run(new String[]{"demo", "--emqx-version", "5.5"})));
        assertTrue(stderr.contains("'5.5' is not a simulated EMQX version"), stderr);
    }

    @Test
    void helpDescribesCheckInAWholeSentence() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Application.run(new String[]{"--help"}));
        } finally {
            System.setOut(original);
        }
        String help = out.toString(StandardCharsets.UTF_8);
        String check = help.lines().filter(line -> line.trim().startsWith("check")).findFirst().orElseThrow();
        assertTrue(check.trim().endsWith("."), help);
        assertTrue(help.contains("--listen"), help);
    }

    private static String runCapturingStderr(Runnable action) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
