package io.emqxclientmonitor.metrics;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Header;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Answers a scrape (bean {@code metricsEndpoint}): Prometheus text 0.0.4 by default, OpenMetrics when the
 * Accept header asks for it. Any Accept header gets an answer, never a 406.
 *
 * <p>The exposition ({@link ExpositionWriter}, from the registry's snapshots) is rendered once per state and
 * format: the state is the tracker's change count (every applied poll, every configuration change) together with
 * the values of the Micrometer meters (up, errors, requests…), so a scrape that finds neither changed gets the
 * bytes rendered before, and a scrape arriving while one is being rendered shares it. Twenty concurrent scrapers
 * of 10,000 clients thus cost one rendering and one body in memory, not twenty (which exhausted a 3 GB heap).
 * After each poll the formats being scraped are rendered at once ({@link #prerender()}), so a scrape
 * rarely waits for a rendering. Scrapers that accept gzip (Prometheus does) get it, compressed once per rendering.
 * A collector registered straight on the Prometheus registry must be static or change with the tracker.
 */
public final class ScrapeResponder {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final long PRERENDER_MINUTES = 10;

    /** The prefix of every family the exporter itself registers, in Prometheus' and in Micrometer's spelling. */
    public static final String OUR_FAMILIES = "emqx_client_monitor_";
    private static final String OUR_METERS = "emqx.client.monitor.";

    private final PrometheusMeterRegistry registry;
    private final LongSupplier changes;
    /** Per format (text, OpenMetrics): the latest rendering, finished or in progress. */
    private final Rendering[] latest = new Rendering[2];
    /** Per format: when it was last scraped (System.nanoTime), 0 if never; and whether that scrape took gzip. */
    private final long[] lastAsked = new long[2];
    private final boolean[] lastAskedGzip = new boolean[2];

    /**
     * One exposition: its bytes, and what scrapes send: the bytes in direct memory, plain or gzip-compressed, each
     * made once when first asked for and then written to every scraper without copying.
     */
    private static final class Rendering {
        final long state;
        /** The plain exposition in direct memory: nothing of a rendering stays on the heap. */
        final CompletableFuture<ByteBuffer> body = new CompletableFuture<>();
        private final CompletableFuture<Buffer>[] sendable = newSendable();

        Rendering(long state) {
            this.state = state;
        }

        @SuppressWarnings("unchecked")
        private static CompletableFuture<Buffer>[] newSendable() {
            return new CompletableFuture[2];
        }

        Buffer sendable(boolean gzip) {
            int kind = gzip ? 1 : 0;
            CompletableFuture<Buffer> result;
            boolean mine = false;
            synchronized (this) {
                if (sendable[kind] == null) {
                    sendable[kind] = new CompletableFuture<>();
                    mine = true;
                }
                result = sendable[kind];
            }
            if (mine) {
                try {
                    ByteBuffer plain = body.join().duplicate();
                    result.complete(Buffer.buffer(Unpooled.wrappedBuffer(gzip ? direct(gzip(plain)) : plain)));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            }
            return result.join();
        }
    }

    /**
     * Serves only the {@value #OUR_FAMILIES}* families: embedded, the registry is shared with a host application,
     * whose own families ({@code camel_*}, …) it serves itself and which are not ours to vouch for.
     *
     * @param changes grows whenever what the collectors registered on the Prometheus registry report changes
     */
    public ScrapeResponder(PrometheusMeterRegistry registry, LongSupplier changes) {
        this.registry = registry;
        this.changes = changes;
    }

    /** Without a change count every scrape renders (concurrent ones still share a rendering). */
    public ScrapeResponder(PrometheusMeterRegistry registry) {
        this(registry, null);
    }

    public String contentType(@Header("Accept") String accept) {
        return wantsOpenMetrics(accept) ? OPENMETRICS : TEXT;
    }

    /**
     * The exposition (UTF-8), gzip-compressed when the scraper accepts it (see {@link #gzip(String)}), as a Vert.x
     * buffer: platform-http writes it as it is, where a byte[] would be copied and streamed out in small chunks.
     */
    public Buffer scrape(@Header("Accept") String accept, @Header("Accept-Encoding") String acceptEncoding) {
        boolean openMetrics = wantsOpenMetrics(accept);
        boolean gzip = gzip(acceptEncoding);
        int format = openMetrics ? 1 : 0;
        lastAsked[format] = System.nanoTime();
        lastAskedGzip[format] = gzip;
        return exposition(openMetrics).sendable(gzip);
    }

    /** The exposition as UTF-8 bytes, never compressed. */
    public byte[] exposition(@Header("Accept") String accept) {
        ByteBuffer plain = exposition(wantsOpenMetrics(accept)).body.join().duplicate();
        byte[] bytes = new byte[plain.remaining()];
        plain.get(bytes);
        return bytes;
    }

    /**
     * Whether to answer with {@code Content-Encoding: gzip}: the scraper accepts gzip (Prometheus always does). An
     * exposition of 10,000 clients shrinks from 15 MB to about 1 MB, compressed once per state however many scrape.
     */
    public boolean gzip(@Header("Accept-Encoding") String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.trim().split(";");
            String name = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("gzip") || name.equals("*")) {
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].replace(" ", "");
                    if (parameter.matches("q=0(\\.0*)?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Renders, now, the formats scraped in the last {@value #PRERENDER_MINUTES} minutes: called after every poll,
     * so the next scrape finds its body ready instead of waiting for the rendering.
     */
    public void prerender() {
        for (int format = 0; format < 2; format++) {
            long asked = lastAsked[format];
            if (asked != 0 && System.nanoTime() - asked < TimeUnit.MINUTES.toNanos(PRERENDER_MINUTES)) {
                exposition(format == 1).sendable(lastAskedGzip[format]);
            }
        }
    }

    private Rendering exposition(boolean openMetrics) {
        int format = openMetrics ? 1 : 0;
        Rendering rendering;
        boolean mine = false;
        synchronized (latest) {
            long state = state(); // read before rendering: a change while rendering makes the next scrape render
            rendering = latest[format];
            boolean reusable = rendering != null && (!rendering.body.isDone()
                    || changes != null && rendering.state == state && !rendering.body.isCompletedExceptionally());
            if (!reusable) {
                rendering = new Rendering(state);
                latest[format] = rendering;
                mine = true;
            }
        }
        if (mine) {
            render(rendering.body, openMetrics);
        }
        rendering.body.join(); // throws what the rendering threw
        return rendering;
    }

    private void render(CompletableFuture<ByteBuffer> body, boolean openMetrics) {
        String contentType = openMetrics ? OPENMETRICS : TEXT;
        try {
            body.complete(direct(ExpositionWriter.writeChunks(
                    registry.getPrometheusRegistry().scrape(name -> name.startsWith(OUR_FAMILIES)), openMetrics,
                    (family, out) -> registry.scrape(out, contentType, Set.of(family.getMetadata().getPrometheusName())))));
        } catch (RuntimeException | Error e) {
            body.completeExceptionally(e);
        }
    }

    /** In direct memory (freed by the GC), so Netty writes it to sockets as it is instead of copying it each time. */
    private static ByteBuffer direct(ExpositionWriter.Chunks chunks) {
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.toIntExact(chunks.size()));
        chunks.writeTo(direct);
        return direct.flip();
    }

    private static ExpositionWriter.Chunks gzip(ByteBuffer plain) {
        ChunkedOut out = new ChunkedOut();
        byte[] window = new byte[1 << 16];
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            while (plain.hasRemaining()) {
                int length = Math.min(window.length, plain.remaining());
                plain.get(window, 0, length);
                gzip.write(window, 0, length);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.chunks;
    }

    /** An output stream into chunks (the compressed exposition). */
    private static final class ChunkedOut extends java.io.OutputStream {
        final ExpositionWriter.Chunks chunks = new ExpositionWriter.Chunks();

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            chunks.add(java.util.Arrays.copyOfRange(b, off, off + len), len);
        }
    }

    /** The tracker's change count mixed with every Micrometer meter's values. */
    private long state() {
        if (changes == null) {
            return 0;
        }
        long state = changes.getAsLong();
        for (Meter meter : registry.getMeters()) {
            if (!meter.getId().getName().startsWith(OUR_METERS)) {
                continue;
            }
            for (Measurement measurement : meter.measure()) {
                state = state * 31 + Double.hashCode(measurement.getValue());
            }
        }
        return state;
    }

    private static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }
}
