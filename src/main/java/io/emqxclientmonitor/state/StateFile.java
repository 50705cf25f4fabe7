package io.emqxclientmonitor.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state file: every monitored client's counters, diagnostics and recent events, so that a restart or an upgrade
 * of the exporter keeps counters monotonic and history intact.
 *
 * <pre>
 * {"format": 1, "written_at": "…", "counters": ["recv_msg", …], "histogram_buckets_seconds": [1, 5, …],
 *  "brokers": {"&lt;broker alias&gt;": {"&lt;client id&gt;": {"alias": …, "connects": 3, "base": [..], "last": [..], …}}}}
 * </pre>
 * Timestamps are epoch milliseconds; counter arrays follow the {@code counters} key list, so counters can be added
 * or reordered between versions. Readers ignore unknown fields and take defaults for missing ones; a file of a
 * newer format is not guessed at. Clients that are no longer configured are dropped on load and not written again.
 */
public final class StateFile {
    public static final int FORMAT = 1;
    /** {@code "source"} of a client watched by pattern; listed clients have no such field (as before patterns). */
    private static final String PATTERN = "pattern";
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();
    private static final DateTimeFormatter ASIDE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path path;
    private final Clock clock;

    public StateFile(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    public Path path() {
        return path;
    }

    /** What loading found. */
    public record Loaded(int restored, int dropped, boolean fresh) {
    }

    /**
     * Restores the history of the configured clients. Never fails: a missing file means a fresh start; an unreadable
     * or corrupt one gets one warning and (unless {@code readOnly}) is moved aside to {@code <name>.corrupt-<time>}.
     */
    public Loaded load(ClientTracker tracker, boolean readOnly) {
        if (!readOnly) {
            removeLeftovers();
        }
        if (!Files.exists(path)) {
            LOG.info("state file {}: none yet, starting with empty history", path);
            return new Loaded(0, 0, true);
        }
        Map<String, Map<String, StoredClient>> stored = new HashMap<>();
        int[] dropped = {0};
        Values values = new Values();
        try {
            read(tracker, stored, dropped, values);
        } catch (IOException | RuntimeException e) {
            LOG.warn("state file {} cannot be read ({}): {}; starting with empty history", path, oneLine(e), moveAside(readOnly));
            return new Loaded(0, 0, true);
        }
        int restored = 0;
        for (Map.Entry<String, Map<String, StoredClient>> broker : stored.entrySet()) {
            BrokerState state = tracker.broker(broker.getKey());
            for (StoredClient client : broker.getValue().values()) {
                ClientState target = state.client(client.clientId());
                if (target == null) {
                    target = state.retiredClient(client.clientId());
                }
                if (target != null) {
                    target.restore(client);
                    restored++;
                }
            }
        }
        if (values.dropped > 0) {
            LOG.warn("state file {}: {} value(s) were not counts from 0 to 2^53 (negative, too large or not numbers) and "
                    + "read as 0; the rest of the history is restored", path, values.dropped);
        }
        LOG.info("state file {}: history of {} client(s) restored{}", path, restored,
                dropped[0] == 0 ? "" : ", " + dropped[0] + " no longer configured dropped");
        return new Loaded(restored, dropped[0], false);
    }

    private void read(ClientTracker tracker, Map<String, Map<String, StoredClient>> stored, int[] dropped, Values values)
            throws IOException {
        List<String> counterKeys = Arrays.stream(EmqxCounter.all()).map(EmqxCounter::jsonKey).toList();
        boolean sameBuckets = true;
        boolean formatSeen = false;
        boolean countersSeen = false;
        boolean bucketsSeen = false;
        JsonNode brokersEarly = null;
        try (InputStream in = Files.newInputStream(path); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "format" -> {
                        String format = p.currentToken().isNumeric() || p.currentToken() == JsonToken.VALUE_STRING
                                ? p.getText().trim() : null;
                        if (!String.valueOf(FORMAT).equals(format)) {
                            throw new IOException("its \"format\" is " + p.getText() + ", this version reads only format "
                                    + FORMAT + " (a newer exporter wrote it?)");
                        }
                        formatSeen = true;
                    }
                    case "counters" -> {
                        counterKeys = MAPPER.convertValue(p.readValueAsTree(), MAPPER.getTypeFactory()
                                .constructCollectionType(List.class, String.class));
                        countersSeen = true;
                    }
                    case "histogram_buckets_seconds" -> {
                        sameBuckets = Arrays.equals(DurationHistogram.boundsSeconds(),
                                MAPPER.convertValue(p.readValueAsTree(), double[].class));
                        bucketsSeen = true;
                    }
                    case "brokers" -> {
                        if (formatSeen && countersSeen && bucketsSeen) {
                            readBrokers(p, tracker, stored, dropped, counterKeys, sameBuckets, values);
                        } else {
                            // keys in another order (jq -S sorts them): what the brokers mean comes later
                            brokersEarly = p.readValueAsTree();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("unexpected content after the state");
            }
        }
        if (!formatSeen) {
            throw new IOException("no 'format' field");
        }
        if (brokersEarly != null) {
            try (JsonParser p = brokersEarly.traverse(MAPPER)) {
                p.nextToken();
                readBrokers(p, tracker, stored, dropped, counterKeys, sameBuckets, values);
            }
        }
    }

    private static void readBrokers(JsonParser p, ClientTracker tracker, Map<String, Map<String, StoredClient>> stored,
                                    int[] dropped, List<String> counterKeys, boolean sameBuckets, Values values)
            throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        int[] counterOrdinals = ordinals(counterKeys);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String alias = p.currentName();
            BrokerState broker = tracker.broker(alias);
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String clientId = p.currentName();
                p.nextToken();
                if (broker == null) {
                    p.skipChildren();
                    dropped[0]++;
                    continue;
                }
                JsonNode node = p.readValueAsTree();
                if (broker.client(clientId) == null && !rememberedByPattern(tracker, broker, clientId, node)
                        && !keptAfterRemoval(tracker, broker, clientId, node)) {
                    dropped[0]++;
                    continue;
                }
                stored.computeIfAbsent(alias, a -> new HashMap<>())
                        .put(clientId, decode(clientId, node, counterOrdinals, sameBuckets, values));
            }
        }
    }

    /**
     * A client the pattern matched ({@code "source": "pattern"}): watched again if it still matches, fits under
     * {@code monitor.max-clients} and was listed by EMQX within {@code monitor.forget-after} ({@code listed_at}).
     */
    private static boolean rememberedByPattern(ClientTracker tracker, BrokerState broker, String clientId, JsonNode node) {
        if (!PATTERN.equals(node.path("source").asText()) || node.has("removed_at")) {
            return false;
        }
        Instant now = tracker.clock().instant();
        Instant listedAt = time(node, "listed_at");
        if (listedAt == null || listedAt.isAfter(now)) {
            listedAt = now;
        }
        if (listedAt.isBefore(now.minus(broker.config().pattern().forgetAfter()))) {
            return false;
        }
        String alias = node.path("alias").isTextual() ? node.path("alias").asText() : clientId;
        return broker.rememberPatternClient(new io.emqxclientmonitor.config.MonitoredClient(alias, clientId), listedAt) != null;
    }

    /**
     * A client in the file that is not configured: kept (with its removal time) while within the retention of removed
     * clients; a file without {@code removed_at} for it (written before it was removed) counts its removal from now.
     */
    private static boolean keptAfterRemoval(ClientTracker tracker, BrokerState broker, String clientId, JsonNode node) {
        Instant now = tracker.clock().instant();
        Instant removedAt = time(node, "removed_at");
        if (removedAt == null || removedAt.isAfter(now)) {
            removedAt = now;
        }
        if (removedAt.isBefore(now.minus(tracker.removedClientRetention())) || tracker.removedClientRetention().isZero()) {
            return false;
        }
        String alias = node.path("alias").isTextual() ? node.path("alias").asText() : clientId;
        return broker.retire(new io.emqxclientmonitor.config.MonitoredClient(alias, clientId), removedAt) != null;
    }

    /**
     * Writes the state of every configured client: to a temporary file next to the state file, flushed to disk,
     * then renamed over it, so a crash leaves either the old or the new file, never half of one.
     */
    public synchronized void write(ClientTracker tracker) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
                    writeState(g, tracker);
                }
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void writeState(JsonGenerator g, ClientTracker tracker) throws IOException {
        g.writeStartObject();
        g.writeNumberField("format", FORMAT);
        g.writeStringField("written_at", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
        g.writeArrayFieldStart("counters");
        for (EmqxCounter counter : EmqxCounter.all()) {
            g.writeString(counter.jsonKey());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("histogram_buckets_seconds");
        for (double bound : DurationHistogram.boundsSeconds()) {
            g.writeNumber((long) bound);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("brokers");
        for (BrokerState broker : tracker.brokers()) {
            g.writeObjectFieldStart(broker.alias());
            for (ClientState client : broker.clients()) {
                g.writeFieldName(client.client().clientId());
                encode(g, client.client().alias(), client.store(), null, client.fromPattern() ? client.listedAt() : null);
            }
            for (BrokerState.Retired retired : broker.retired()) {
                g.writeFieldName(retired.state().client().clientId());
                encode(g, retired.state().client().alias(), retired.state().store(), retired.removedAt(), null);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** @param listedAt for a client watched by pattern, when EMQX last listed it; null for a listed client */
    private static void encode(JsonGenerator g, String alias, StoredClient c, Instant removedAt, Instant listedAt)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("alias", alias);
        time(g, "removed_at", removedAt);
        if (listedAt != null) {
            g.writeStringField("source", PATTERN);
            time(g, "listed_at", listedAt);
        }
        g.writeBooleanField("seen", c.seen());
        g.writeBooleanField("connected", c.connected());
        time(g, "created_at", c.createdAt());
        time(g, "connected_at", c.connectedAt());
        time(g, "disconnected_at", c.disconnectedAt());
        number(g, "keepalive", c.keepalive());
        number(g, "subscriptions", c.subscriptions());
        number(g, "inflight", c.inflight());
        longs(g, "base", c.base());
        longs(g, "last", c.last());
        number(g, "connects", c.connects());
        number(g, "disconnects", c.disconnects());
        time(g, "last_seen", c.lastSeen());
        time(g, "last_disconnect", c.lastDisconnect());
        time(g, "offline_since", c.offlineSince());
        if (c.lastReconnectGapMillis() != null) {
            g.writeNumberField("last_reconnect_gap_ms", c.lastReconnectGapMillis());
        }
        if (c.completedSessions() > 0) {
            g.writeObjectFieldStart("sessions");
            g.writeNumberField("completed", c.completedSessions());
            g.writeNumberField("shortest_ms", c.shortestSessionMillis());
            g.writeNumberField("longest_ms", c.longestSessionMillis());
            g.writeNumberField("total_ms", c.totalSessionMillis());
            g.writeEndObject();
        }
        if (c.lastDisconnectReason() != null) {
            g.writeStringField("last_disconnect_reason", c.lastDisconnectReason());
        }
        if (c.disconnectsByReason() != null) {
            g.writeObjectFieldStart("disconnects_by_reason");
            for (int i = 0; i < c.disconnectsByReason().length; i++) {
                if (c.disconnectsByReason()[i] > 0) {
                    g.writeNumberField(io.emqxclientmonitor.events.DisconnectReason.LABELS.get(i), c.disconnectsByReason()[i]);
                }
            }
            g.writeEndObject();
        }
        histogram(g, "session_durations", c.sessionDurations());
        histogram(g, "offline_durations", c.offlineDurations());
        if (c.events() != null && !c.events().isEmpty()) {
            g.writeArrayFieldStart("events");
            for (EventRing.Event event : c.events()) {
                g.writeStartArray();
                g.writeString(event.kind() == EventRing.Kind.CONNECT ? "connect" : "disconnect");
                g.writeNumber(event.at().toEpochMilli());
                if (event.estimated() || event.reason() != null) {
                    g.writeString(event.estimated() ? "estimated" : "reported");
                }
                if (event.reason() != null) {
                    g.writeString(event.reason());
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Counts the values of a file that could not be used (negative, beyond 2^53, not whole numbers): read as 0. */
    private static final class Values {
        int dropped;

        /** A count from 0 to 2^53, or {@code missing} when absent; anything else counts as dropped and reads as 0. */
        long count(JsonNode value, long missing) {
            if (value == null || value.isMissingNode() || value.isNull()) {
                return missing;
            }
            if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0
                    && value.asLong() <= ClientRecord.MAX_VALUE) {
                return value.asLong();
            }
            dropped++;
            return 0;
        }

        double seconds(JsonNode value) {
            if (value == null || value.isMissingNode()) {
                return 0;
            }
            double d = value.asDouble(-1);
            if (value.isNumber() && Double.isFinite(d) && d >= 0) {
                return d;
            }
            dropped++;
            return 0;
        }
    }

    private static StoredClient decode(String clientId, JsonNode n, int[] counterOrdinals, boolean sameBuckets, Values v) {
        JsonNode sessions = n.path("sessions");
        List<EventRing.Event> events = new ArrayList<>();
        for (JsonNode e : n.path("events")) {
            String kind = e.path(0).asText();
            Instant at = time(e.path(1));
            if (at != null && (kind.equals("connect") || kind.equals("disconnect"))) {
                events.add(new EventRing.Event(kind.equals("connect") ? EventRing.Kind.CONNECT : EventRing.Kind.DISCONNECT,
                        at, "estimated".equals(e.path(2).asText()),
                        e.path(3).isTextual() ? io.emqxclientmonitor.events.DisconnectReason.label(e.path(3).asText()) : null));
            }
        }
        JsonNode gap = n.get("last_reconnect_gap_ms");
        long completed = v.count(sessions.get("completed"), 0);
        return new StoredClient(clientId, n.path("seen").asBoolean(false), n.path("connected").asBoolean(false),
                time(n, "created_at"), time(n, "connected_at"), time(n, "disconnected_at"),
                v.count(n.get("keepalive"), 0), v.count(n.get("subscriptions"), 0), v.count(n.get("inflight"), 0),
                counters(n.get("base"), counterOrdinals, v), counters(n.get("last"), counterOrdinals, v),
                v.count(n.get("connects"), 0), v.count(n.get("disconnects"), 0),
                time(n, "last_seen"), time(n, "last_disconnect"), time(n, "offline_since"),
                gap != null ? (Long) v.count(gap, 0) : null,
                completed, completed == 0 ? Long.MAX_VALUE : v.count(sessions.get("shortest_ms"), Long.MAX_VALUE),
                completed == 0 ? 0 : v.count(sessions.get("longest_ms"), 0),
                completed == 0 ? 0 : v.count(sessions.get("total_ms"), 0), events,
                sameBuckets ? histogram(n.get("session_durations"), v) : null,
                sameBuckets ? histogram(n.get("offline_durations"), v) : null,
                n.path("last_disconnect_reason").isTextual() ? n.path("last_disconnect_reason").asText() : null,
                reasons(n.get("disconnects_by_reason"), v));
    }

    /** Drops by reason label; unknown labels (a file from a later version) fold into other. */
    private static long[] reasons(JsonNode byReason, Values v) {
        if (byReason == null || !byReason.isObject()) {
            return null;
        }
        long[] counts = new long[io.emqxclientmonitor.events.DisconnectReason.LABELS.size()];
        byReason.fields().forEachRemaining(entry -> {
            int i = io.emqxclientmonitor.events.DisconnectReason.index(io.emqxclientmonitor.events.DisconnectReason.label(entry.getKey()));
            counts[i] = ClientState.saturatedSum(counts[i], v.count(entry.getValue(), 0));
        });
        return counts;
    }

    /** Counter values by the file's key list ({@code ordinals}: this version's ordinal per key, -1 if unknown). */
    private static long[] counters(JsonNode values, int[] ordinals, Values v) {
        long[] counters = new long[EmqxCounter.count()];
        if (values == null || !values.isArray()) {
            return counters;
        }
        for (int i = 0; i < Math.min(ordinals.length, values.size()); i++) {
            if (ordinals[i] >= 0) {
                counters[ordinals[i]] = v.count(values.get(i), 0);
            }
        }
        return counters;
    }

    private static int[] ordinals(List<String> keys) {
        Map<String, Integer> byKey = new HashMap<>();
        for (EmqxCounter counter : EmqxCounter.all()) {
            byKey.put(counter.jsonKey(), counter.ordinal());
        }
        return keys.stream().mapToInt(key -> byKey.getOrDefault(key, -1)).toArray();
    }

    private static DurationHistogram.Snapshot histogram(JsonNode node, Values v) {
        if (node == null || !node.path("counts").isArray()) {
            return null;
        }
        long[] counts = new long[node.path("counts").size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = v.count(node.path("counts").get(i), 0);
        }
        return new DurationHistogram.Snapshot(counts, v.seconds(node.get("sum_seconds")));
    }

    private static void histogram(JsonGenerator g, String field, DurationHistogram.Snapshot snapshot) throws IOException {
        if (snapshot == null || snapshot.count() == 0) {
            return;
        }
        g.writeObjectFieldStart(field);
        longs(g, "counts", snapshot.counts());
        g.writeNumberField("sum_seconds", snapshot.sumSeconds());
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, String field, Instant at) throws IOException {
        if (at != null) {
            g.writeNumberField(field, at.toEpochMilli());
        }
    }

    private static Instant time(JsonNode n, String field) {
        return time(n.get(field));
    }

    /** Epoch milliseconds from 1970 to the year 9999, else null. */
    private static Instant time(JsonNode value) {
        return value != null && value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0
                && value.asLong() <= 253_402_300_799_999L ? Instant.ofEpochMilli(value.asLong()) : null;
    }

    private static void number(JsonGenerator g, String field, long value) throws IOException {
        if (value != 0) {
            g.writeNumberField(field, value);
        }
    }

    private static void longs(JsonGenerator g, String field, long[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (long value : values) {
            g.writeNumber(value);
        }
        g.writeEndArray();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual);
        }
    }

    /**
     * Removes the temporary files of writes that never finished ({@code .state.json.<random>.tmp}: the exporter was
     * killed mid-write); only this state file's, nothing else in the directory.
     */
    private void removeLeftovers() {
        Path dir = path.toAbsolutePath().getParent();
        String prefix = "." + path.getFileName() + ".";
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.newDirectoryStream(dir, entry -> {
            String name = entry.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        })) {
            for (Path leftover : files) {
                Files.deleteIfExists(leftover);
                LOG.info("state file {}: removed {}, left by a write that did not finish", path, leftover.getFileName());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("state file {}: cannot clean up temporary files: {}", path, oneLine(e));
        }
    }

    /** Keeps a bad file for inspection: {@code state.json.corrupt-20260301T120000Z}. */
    private String moveAside(boolean readOnly) {
        if (readOnly) {
            return "left as it is (read-only)";
        }
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + ASIDE_SUFFIX.format(clock.instant()));
        try {
            Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
            return "moved aside to " + aside;
        } catch (IOException e) {
            return "it could not be moved aside (" + oneLine(e) + ") and will be overwritten";
        }
    }

    static String oneLine(Throwable e) {
        if (e instanceof FileSystemException fs) {
            String what = e instanceof NoSuchFileException ? "no such file" : e instanceof FileAlreadyExistsException
                    ? "a file is in the way" : e instanceof AccessDeniedException ? "access denied" : e.getClass().getSimpleName();
            return what + ": " + fs.getFile() + (fs.getReason() == null ? "" : " (" + fs.getReason() + ")");
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
