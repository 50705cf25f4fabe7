package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.ConfigLoader;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.config.MonitoredClientsFile;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies edits of the brokers' clients files while the exporter runs. Every few seconds it compares each file's
 * modification time, size and identity (which also catches a Kubernetes ConfigMap update, a symlink swap); on a
 * change it re-reads the file: added clients get series from the next poll, removed ones lose them at once.
 * A file that cannot be used gets one warning and the previous list stays. Clients given inline
 * ({@code emqx.clients}) are kept.
 */
public final class ClientsFileWatcher implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(ClientsFileWatcher.class);

    private final ClientTracker tracker;
    private final Duration period;
    private final Runnable onChange;
    private final Map<String, Watched> watched = new LinkedHashMap<>();
    private ScheduledExecutorService executor;

    private static final class Watched {
        final List<MonitoredClient> inline;
        Object fingerprint;

        Watched(List<MonitoredClient> inline, Object fingerprint) {
            this.inline = inline;
            this.fingerprint = fingerprint;
        }
    }

    /**
     * @param onChange run after a successful change (e.g. to save the state file without the removed clients)
     */
    public ClientsFileWatcher(ClientTracker tracker, Duration period, Runnable onChange) {
        this.tracker = tracker;
        this.period = period;
        this.onChange = onChange;
        for (BrokerState broker : tracker.brokers()) {
            BrokerConfig config = broker.config();
            if (config.clientsFile() != null) {
                watched.put(broker.alias(), new Watched(inlineClients(config), fingerprint(config.clientsFile())));
            }
        }
    }

    /** The clients that did not come from the file: those the configuration has besides the file's. */
    private static List<MonitoredClient> inlineClients(BrokerConfig config) {
        Set<MonitoredClient> fromFile;
        try {
            fromFile = new HashSet<>(MonitoredClientsFile.read(config.clientsFile(), "clients file"));
        } catch (ConfigException e) {
            fromFile = Set.of();
        }
        List<MonitoredClient> inline = new ArrayList<>();
        for (MonitoredClient client : config.clients()) {
            if (!fromFile.contains(client)) {
                inline.add(client);
            }
        }
        return inline;
    }

    /** Checks every watched file once and applies what changed. */
    public synchronized void checkNow() {
        for (Map.Entry<String, Watched> entry : watched.entrySet()) {
            BrokerState broker = tracker.broker(entry.getKey());
            Watched file = entry.getValue();
            if (broker == null) {
                continue;
            }
            Object now = fingerprint(broker.config().clientsFile());
            if (Objects.equals(now, file.fingerprint)) {
                continue;
            }
            file.fingerprint = now;
            reload(broker, file);
        }
    }

    private void reload(BrokerState broker, Watched file) {
        BrokerConfig config = broker.config();
        List<MonitoredClient> clients;
        try {
            clients = tracker.shards().keep(config.alias(), ConfigLoader.reloadClients(config, file.inline));
        } catch (ConfigException e) {
            LOG.warn("broker {}: the changed clients file cannot be used ({}); still monitoring the previous {} client(s)",
                    broker.alias(), e.getMessage(), config.clients().size());
            return;
        }
        if (clients.equals(config.clients())) {
            return;
        }
        Set<MonitoredClient> before = new HashSet<>(config.clients());
        long added = clients.stream().filter(c -> !before.contains(c)).count();
        long removed = before.size() - (clients.size() - added);
        tracker.reconfigureBroker(config.withClients(clients));
        boolean fileEmptied = removed > 0 && clients.size() == file.inline.size();
        if (fileEmptied || (removed > 2 && removed * 2 > before.size())) {
            LOG.warn("broker {}: clients file {} changed: {} of {} monitored client(s) removed at once; if that was not "
                            + "meant (a half-written or emptied file), restore it within {}: their history is kept that long",
                    broker.alias(), config.clientsFile(), removed, before.size(), tracker.removedClientRetention());
        }
        LOG.info("broker {}: clients file {} changed: now {} monitored client(s), {} added, {} removed",
                broker.alias(), config.clientsFile(), clients.size(), added, removed);
        onChange.run();
    }

    private static Object fingerprint(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }

    @Override
    public synchronized void start() {
        if (executor == null && !watched.isEmpty()) {
            executor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "clients-file-watcher");
                thread.setDaemon(true);
                return thread;
            });
            long millis = Math.max(100, period.toMillis());
            executor.scheduleWithFixedDelay(this::checkSafely, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void checkSafely() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.warn("clients file check failed: {}", StateFile.oneLine(e));
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
