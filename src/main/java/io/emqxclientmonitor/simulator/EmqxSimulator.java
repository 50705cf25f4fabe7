package io.emqxclientmonitor.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for an EMQX node's {@code GET /api/v5/clients}, serving a {@link Fleet},
 * with fault injection and a log of what it was asked.
 */
public final class EmqxSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmqxSimulator.class);
    /** Enough that a delayed or hung request does not hold up the others. */
    private static final int WORKER_THREADS = 8;

    private final Fleet fleet;
    private final SimulatorOptions options;
    private final Faults faults = new Faults();
    private final RequestLog requests = new RequestLog();
    private final HostilePages hostilePages = new HostilePages();
    private final FieldSchema fieldSchema = new FieldSchema();

    private HttpServer server;
    private ExecutorService workers;
    private boolean closed;

    /** Does not bind yet; see {@link #start()}. */
    public EmqxSimulator(Fleet fleet, SimulatorOptions options) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Binds and starts serving. */
    public synchronized EmqxSimulator start() {
        if (server != null || closed) {
            throw new IllegalStateException("simulator already started");
        }
        workers = Executors.newFixedThreadPool(WORKER_THREADS, daemonThreads());
        try {
            InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
            if (options.tls() != null) {
                HttpsServer https = HttpsServer.create(address, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(options.tls()));
                server = https;
            } else {
                server = HttpServer.create(address, 64);
            }
        } catch (IOException e) {
            workers.shutdownNow();
            throw new UncheckedIOException("cannot bind " + options.host() + ":" + options.port(), e);
        }
        server.createContext("/", new ClientsHandler(fleet, faults, requests, options, new JsonFactory(), hostilePages, fieldSchema));
        server.setExecutor(workers);
        server.start();
        LOG.debug("EMQX simulator ({}) listening on {}", options.version(), apiUrl());
        return this;
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("simulator not started");
        }
        return server.getAddress().getPort();
    }

    /** The EMQX base API URL without a trailing slash, e.g. {@code http://127.0.0.1:40123/api} (https with TLS). */
    public String apiUrl() {
        return (options.tls() != null ? "https://" : "http://") + urlHost() + ":" + port() + "/api";
    }

    public Fleet fleet() {
        return fleet;
    }

    public Faults faults() {
        return faults;
    }

    /** Page-level misbehaviour: endless paging, deep nesting, invalid UTF-8. */
    /** The names {@code fields=} accepts (5.6+); a test may make it refuse some. */
    public FieldSchema fieldSchema() {
        return fieldSchema;
    }

    public HostilePages hostilePages() {
        return hostilePages;
    }

    public RequestLog requests() {
        return requests;
    }

    public SimulatorOptions options() {
        return options;
    }

    /** Stops at once: open connections are dropped and hung or delayed requests abandoned. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        faults.shutDown();
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    private String urlHost() {
        String host = options.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "emqx-simulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
