package io.emqxclientmonitor.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares text with a file under src/test/resources/golden, byte for byte, so any change of the output is
 * visible in review. {@code -Dgolden.update=true} rewrites the files instead.
 */
public final class Golden {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private Golden() {
    }

    public static void assertMatches(String fileName, String actual) {
        Path file = DIR.resolve(fileName);
        try {
            if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual);
                if (!Boolean.getBoolean("golden.update")) {
                    throw new AssertionError("golden file " + file + " did not exist; it was written: review and commit it");
                }
            }
            assertEquals(Files.readString(file), actual, "output differs from " + file + " (rerun with -Dgolden.update=true if intended)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
