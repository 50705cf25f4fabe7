package io.emqxclientmonitor.state;

import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the state file from one background thread, so a poll never waits for the disk: requests that arrive
 * while a write is running are folded into one more write. Camel starts it with the context and stops it after
 * the routes, with a last write, so the state at shutdown is kept.
 */
public final class StateFileWriter implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(StateFileWriter.class);

    private final StateFile file;
    private final ClientTracker tracker;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile ExecutorService executor;
    private boolean failing;
    private volatile long lastWriteMillis = -1;

    public StateFileWriter(StateFile file, ClientTracker tracker) {
        this.file = file;
        this.tracker = tracker;
    }

    /** Asks for a write soon; returns at once. */
    public void requestWrite() {
        ExecutorService running = executor;
        if (running != null && pending.compareAndSet(false, true)) {
            try {
                running.execute(this::writeIfPending);
            } catch (RuntimeException rejected) {
                pending.set(false); // stopping: the final write follows
            }
        }
    }

    private void writeIfPending() {
        if (pending.getAndSet(false)) {
            writeNow();
        }
    }

    /** Writes at once on the calling thread; failures are logged (once per failure streak), never thrown. */
    public synchronized void writeNow() {
        long started = System.nanoTime();
        try {
            file.write(tracker);
            lastWriteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (failing) {
                LOG.info("state file {} written again", file.path());
                failing = false;
            }
            LOG.debug("state file {} written in {} ms", file.path(), lastWriteMillis);
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("state file {} cannot be written ({}): history will not survive a restart; make its directory "
                        + "writable or set monitor.state-file to another path (empty switches it off)", file.path(), StateFile.oneLine(e));
                failing = true;
            }
        }
    }

    /** Duration of the last successful write in milliseconds, -1 before the first. */
    public long lastWriteMillis() {
        return lastWriteMillis;
    }

    @Override
    public void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "state-file-writer");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    @Override
    public void stop() {
        ExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdown();
            try {
                running.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writeNow();
        }
    }
}
