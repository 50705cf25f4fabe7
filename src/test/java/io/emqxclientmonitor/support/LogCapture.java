package io.emqxclientmonitor.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures what the application logs while it is open. slf4j-simple looks {@code System.err} up at every log
 * call, so swapping the stream captures every logger; what is captured still reaches the original stream.
 * Also captures {@code System.out} (the CLI prints there). Tests run one at a time in the surefire fork.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        System.setErr(tee(originalErr));
        System.setOut(tee(originalOut));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    private PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    public List<String> lines() {
        return text().lines().toList();
    }

    public List<String> lines(Predicate<String> which) {
        return lines().stream().filter(which).toList();
    }

    /** Lines logged at WARN or ERROR (slf4j-simple writes the level in brackets), and stack-trace lines. */
    public List<String> warningsAndErrors() {
        return lines(l -> l.contains("[WARN]") || l.contains("[ERROR]") || l.startsWith("\tat ") || l.startsWith("Caused by"));
    }

    /** Forgets what was captured so far. */
    public void reset() {
        synchronized (captured) {
            captured.reset();
        }
    }

    @Override
    public void close() {
        System.err.flush();
        System.out.flush();
        System.setErr(originalErr);
        System.setOut(originalOut);
    }
}
