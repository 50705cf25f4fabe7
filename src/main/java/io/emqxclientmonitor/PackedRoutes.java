package io.emqxclientmonitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The route files packed into the jar, each named: camel-main finds a wildcard location in a jar
 * ({@code classpath:…/*.yaml}) by reading and inflating every entry of the jar, about a second for the shaded jar;
 * a named location is opened directly. The jar's table of contents is read here instead (no inflating).
 */
final class PackedRoutes {
    private static final String FOLDER = "emqx-client-monitor/routes/";

    private PackedRoutes() {
    }

    /** Comma-separated {@code classpath:} locations of the packed {@code *.yaml} routes, or the wildcard if they cannot be listed. */
    static String locations() {
        String wildcard = CamelLauncher.PACKED + "routes/*.yaml";
        URL folder = PackedRoutes.class.getClassLoader().getResource(FOLDER);
        if (folder == null) {
            return wildcard;
        }
        List<String> names;
        try {
            names = switch (folder.getProtocol()) {
                case "jar" -> inJar(folder);
                case "file" -> inDirectory(Path.of(folder.toURI()));
                default -> List.of();
            };
        } catch (IOException | URISyntaxException | UncheckedIOException e) {
            names = List.of();
        }
        return names.isEmpty() ? wildcard
                : names.stream().map(name -> "classpath:" + FOLDER + name).collect(Collectors.joining(","));
    }

    private static List<String> inJar(URL folder) throws IOException {
        JarURLConnection connection = (JarURLConnection) folder.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            return jar.stream().map(e -> e.getName()).filter(PackedRoutes::isRouteFile)
                    .map(name -> name.substring(FOLDER.length())).sorted().toList();
        }
    }

    private static List<String> inDirectory(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> FOLDER + f.getFileName()).filter(PackedRoutes::isRouteFile)
                    .map(name -> name.substring(FOLDER.length())).sorted().toList();
        }
    }

    /** A *.yaml directly in the folder (routes/ has no subfolders; Camel's *.yaml does not descend either). */
    private static boolean isRouteFile(String name) {
        return name.startsWith(FOLDER) && name.endsWith(".yaml") && name.indexOf('/', FOLDER.length()) < 0;
    }
}
