package io.emqxclientmonitor.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.emqxclientmonitor.deploy.DeployKit.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Basic facts of the Dockerfile (no Docker engine here, so the image itself is not built): a Maven build
 * stage, a JRE 17 runtime that runs as uid/gid 65532 and never switches back to root, the documented
 * layout under /app, port 9671 through JAVA_OPTS, and a .dockerignore that keeps the build inputs.
 */
class DockerfileTest {

    record Instruction(String keyword, String arguments) {
    }

    static List<Instruction> instructions;
    static List<Instruction> runtime;

    @BeforeAll
    static void parse() {
        instructions = new ArrayList<>();
        String joined = DeployKit.read(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\r?\\n", " ");
        for (String line : joined.split("\\r?\\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
        }
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                lastFrom = i;
            }
        }
        runtime = instructions.subList(lastFrom, instructions.size());
    }

    static List<String> all(List<Instruction> in, String keyword) {
        return in.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    @Test
    void multiStageMavenBuildAndJre17Runtime() {
        List<String> froms = all(instructions, "FROM");
        assertEquals(2, froms.size(), froms.toString());
        assertTrue(froms.get(0).matches("maven:3\\.9-eclipse-temurin-17\\s+(?i:AS)\\s+build"), froms.get(0));
        assertEquals("eclipse-temurin:17-jre", froms.get(1));
        assertTrue(all(instructions, "RUN").stream().anyMatch(r -> r.contains("mvn -B -DskipTests package")),
                "the build stage runs mvn -B -DskipTests package");
    }

    @Test
    void runsAsUid65532AndNeverAsRoot() {
        List<String> users = all(runtime, "USER");
        assertFalse(users.isEmpty(), "the runtime stage must set USER");
        assertTrue(users.get(users.size() - 1).matches("65532(:65532)?"), "last USER: " + users);
        for (String user : users) {
            assertFalse(user.matches("(?i)(root|0)(:.*)?"), "USER " + user);
        }
        // nothing runs after the switch to the unprivileged user that would need root
        int userIndex = runtime.indexOf(runtime.stream().filter(i -> i.keyword().equals("USER")).findFirst().orElseThrow());
        assertTrue(runtime.subList(userIndex, runtime.size()).stream().noneMatch(i -> i.keyword().equals("RUN")),
                "no RUN after USER");
        assertTrue(all(runtime, "RUN").stream().anyMatch(r -> r.contains("chown 65532:65532 /app/data")),
                "/app/data belongs to the runtime user");
    }

    @Test
    void layoutPortAndEntrypoint() {
        assertEquals(List.of("/app"), all(runtime, "WORKDIR"));
        assertEquals(List.of("9671"), all(runtime, "EXPOSE"));
        String volumes = String.join(" ", all(runtime, "VOLUME"));
        assertTrue(volumes.contains("\"/app/data\"") && volumes.contains("\"/tmp\""), volumes);
        String copies = String.join("\n", all(runtime, "COPY"));
        for (String target : List.of("/app/emqx-client-monitor.jar", "/app/application.properties", "/app/routes/", "/app/kamelets/")) {
            assertTrue(copies.contains(" " + target), "COPY to " + target + " in\n" + copies);
        }
        String env = String.join(" ", all(runtime, "ENV"));
        assertTrue(env.contains("JAVA_OPTS=\"-Dcamel.server.port=9671"), env);
        assertFalse(env.matches(".*\\b\\w+_PORT=.*"), "camel-main ignores *_PORT variables: " + env);
        String entrypoint = String.join(" ", all(runtime, "ENTRYPOINT"));
        assertTrue(entrypoint.startsWith("["), "exec form ENTRYPOINT");
        assertTrue(entrypoint.contains("exec java $JAVA_OPTS -jar /app/emqx-client-monitor.jar"), entrypoint);
        assertTrue(entrypoint.contains("\\\"$@\\\""), "arguments (check, demo, --cfg) are passed on: " + entrypoint);
    }

    @Test
    void theJarNameIsTheOneMavenBuilds() {
        String pom = DeployKit.read(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertTrue(m.find(), "pom.xml: shade finalName");
        String copy = all(runtime, "COPY").stream().filter(c -> c.contains(".jar")).findFirst().orElseThrow();
        assertTrue(copy.contains("/src/target/" + m.group(1) + ".jar "), copy + " vs finalName " + m.group(1));
    }

    @Test
    void dockerignoreKeepsTheBuildInputs() {
        List<String> ignored = DeployKit.read(ROOT.resolve(".dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(ignored.containsAll(List.of(".git", "target/", "**/node_modules/")), ignored.toString());
        for (String needed : List.of("pom.xml", "src", "src/", "application.properties", "routes", "routes/",
                "kamelets", "kamelets/", "*", "**")) {
            assertFalse(ignored.contains(needed), ".dockerignore must not exclude " + needed);
        }
    }
}
