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
 * Basic facts of the Dockerfile (.ci/image builds and runs the image itself): a Maven build stage, a JRE 17
 * runtime that runs as uid/gid 65532 and never switches back to root, public bases by default that build
 * arguments can replace, OCI labels, the documented layout under /app, port 9671 through JAVA_OPTS, the launcher
 * as entrypoint with its archive trained at build time, and a .dockerignore that keeps the build inputs.
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
        assertTrue(froms.get(0).matches("\\$\\{BUILD_IMAGE}\\s+(?i:AS)\\s+build"), froms.get(0));
        assertEquals("${RUNTIME_IMAGE}", froms.get(1));
        // the defaults (ARGs before the first FROM) are the public bases Docker users get
        List<String> globalArgs = all(instructions.subList(0, instructions.indexOf(
                instructions.stream().filter(i -> i.keyword().equals("FROM")).findFirst().orElseThrow())), "ARG");
        assertEquals(List.of("BUILD_IMAGE=maven:3.9-eclipse-temurin-17", "RUNTIME_IMAGE=eclipse-temurin:17-jre"), globalArgs);
        assertTrue(all(instructions, "RUN").stream().anyMatch(r -> r.matches(".*mvn -B (-q )?-DskipTests package.*")),
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
        assertTrue(all(runtime, "RUN").stream().anyMatch(r -> r.matches(".*chown 65532:(65532|0) /app/data.*")),
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
        // the launcher splits JAVA_OPTS and uses the archive trained at build time; CMD [] passes arguments on
        assertEquals(List.of("[\"/app/bin/emqx-client-monitor\"]"), all(runtime, "ENTRYPOINT"));
        assertEquals(List.of("[]"), all(runtime, "CMD"));
        assertTrue(copies.contains("/src/deploy/bin/emqx-client-monitor /app/bin/emqx-client-monitor"), copies);
        assertTrue(env.contains("ECM_ARCHIVE=/app/emqx-client-monitor.jsa"), env);
        assertTrue(all(runtime, "RUN").stream().anyMatch(r -> r.contains("/app/bin/emqx-client-monitor train")),
                "the archive is trained at build time");
    }

    @Test
    void ociLabelsComeFromBuildArguments() {
        String labels = String.join(" ", all(runtime, "LABEL"));
        for (String key : List.of("version", "revision", "created", "source")) {
            String arg = key.toUpperCase(Locale.ROOT);
            assertTrue(labels.contains("org.opencontainers.image." + key + "=\"${" + arg + "}\""), key + " in " + labels);
            assertTrue(all(runtime, "ARG").stream().anyMatch(a -> a.startsWith(arg + "=")), "ARG " + arg + " with a default");
        }
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
                "kamelets", "kamelets/", "*", "**", "deploy", "deploy/", "deploy/bin", "deploy/bin/")) {
            assertFalse(ignored.contains(needed), ".dockerignore must not exclude " + needed);
        }
        // the launcher (deploy/bin) is the entrypoint: the rest of deploy/ may be left out
        if (ignored.contains("deploy/*")) {
            assertTrue(ignored.indexOf("!deploy/bin/") > ignored.indexOf("deploy/*"), ignored.toString());
        }
    }
}
