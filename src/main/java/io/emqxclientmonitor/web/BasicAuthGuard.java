package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * HTTP Basic authentication in front of the exporter's own paths ({@code /}, {@code /metrics},
 * {@code /api/v1/clients…}; not the Kubernetes probes {@code /-/healthy}, {@code /-/ready}, and not the routes of an
 * application that embeds the exporter), when {@code monitor.web.basic-auth.users} lists users. A Vert.x handler
 * placed before the platform-http routes: an unauthenticated request never reaches Camel. Camel's own
 * {@code camel.server.authentication*} only knows plain-text passwords in a properties file, hence this.
 *
 * <p>bcrypt is slow on purpose, so checks run on a worker pool of their own ({@value #CHECKERS} thread, at most
 * {@value #PENDING} checks waiting; past that an unknown credential is answered 503 at once): a flood of wrong
 * passwords keeps neither the event loop nor Camel's workers busy. Verdicts are remembered by a SHA-256 of the
 * credentials, as the exporter-toolkit does, so a scraper pays for bcrypt once, not per scrape; verified
 * credentials apart from wrong ones, so wrong ones can never push a valid one out.
 */
public final class BasicAuthGuard implements StartupListener, Handler<RoutingContext> {
    static final Set<String> OPEN_PATHS = Set.of("/-/healthy", "/-/ready");
    /** The exporter's own paths (routes/*.yaml): only these are guarded, so a host application's routes stay its own. */
    static final Set<String> GUARDED_PATHS = Set.of("/", "/metrics", "/api/v1/clients");
    private static final String GUARDED_PREFIX = "/api/v1/clients/";
    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthGuard.class);
    private static final String CHALLENGE = "Basic realm=\"emqx-client-monitor\", charset=\"UTF-8\"";
    private static final int REMEMBERED = 256;
    static final int CHECKERS = 1;
    static final int PENDING = 32;

    private final BasicAuthUsers users;
    private final int port;
    private final Map<String, Boolean> verified = remembered();
    private final Map<String, Boolean> rejected = remembered();
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private io.vertx.core.WorkerExecutor checkers;
    private boolean installed;

    private static Map<String, Boolean> remembered() {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        });
    }

    public BasicAuthGuard(BasicAuthUsers users, int port) {
        this.users = users;
        this.port = port;
    }

    /**
     * Puts the guard in front of the HTTP server when {@value BasicAuthUsers#SETTING} or
     * {@value BasicAuthUsers#FILE_SETTING} lists users. The settings are read as camel-main would (-D, then env,
     * then the properties files) but without marking them as used, so the startup summary does not print hashes.
     */
    public static void protect(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        java.util.Properties loaded = properties.loadProperties();
        String file = unprinted(loaded, BasicAuthUsers.FILE_SETTING);
        BasicAuthUsers users = BasicAuthUsers.parse(unprinted(loaded, BasicAuthUsers.SETTING),
                file == null ? null : java.nio.file.Path.of(file));
        boolean server = Boolean.parseBoolean(properties.resolveProperty("camel.server.enabled").orElse("false"));
        if (users != null && server) {
            int port = Integer.parseInt(properties.resolveProperty("camel.server.port").orElse("8080").trim());
            context.addStartupListener(new BasicAuthGuard(users, port));
        }
    }

    /** Vert.x routes /metrics for /metrics/ too, so the guard must not tell them apart. */
    private static String withoutTrailingSlashes(String path) {
        String trimmed = path == null ? "/" : path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    private static String unprinted(java.util.Properties loaded, String key) {
        String env = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        for (String value : new String[]{System.getProperty(key), System.getenv(env), loaded.getProperty(key)}) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    /** Before the routes' consumers start: no request is ever served unauthenticated. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        install(context);
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        install(context);
        if (!installed()) {
            throw new IllegalStateException("cannot put HTTP basic authentication in front of the exporter's HTTP"
                    + " server (no platform-http router found): refusing to serve " + BasicAuthUsers.SETTING + " unprotected");
        }
    }

    private synchronized void install(CamelContext context) {
        if (installed) {
            return;
        }
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = context.getRegistry().findSingleByType(VertxPlatformHttpRouter.class);
        }
        if (router == null) {
            return; // not started yet: the next callback tries again
        }
        router.route().order(Integer.MIN_VALUE).handler(this);
        installed = true;
        LOG.info("HTTP basic authentication on for {} user(s); {} stay open for probes", users.size(), OPEN_PATHS);
    }

    /** Whether the guard is in front of the routes (startup fails otherwise). */
    public synchronized boolean installed() {
        return installed;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = withoutTrailingSlashes(ctx.normalizedPath());
        if (OPEN_PATHS.contains(path) || !(GUARDED_PATHS.contains(path) || path.startsWith(GUARDED_PREFIX))) {
            ctx.next();
            return;
        }
        String[] credentials = credentials(ctx.request().getHeader("Authorization"));
        if (credentials == null) {
            challenge(ctx);
            return;
        }
        String key = key(credentials);
        if (verified.get(key) != null) {
            ctx.next();
            return;
        }
        if (rejected.get(key) != null) {
            challenge(ctx);
            return;
        }
        if (pending.incrementAndGet() > PENDING) {
            pending.decrementAndGet();
            ctx.response().setStatusCode(503).putHeader("Retry-After", "1")
                    .putHeader("Content-Type", "text/plain; charset=utf-8").end("Too many password checks at once: retry\n");
            return;
        }
        ctx.request().pause();
        checkers(ctx).executeBlocking(() -> users.check(credentials[0], credentials[1]), false).onComplete(result -> {
            pending.decrementAndGet();
            ctx.request().resume();
            boolean ok = result.succeeded() && Boolean.TRUE.equals(result.result());
            (ok ? verified : rejected).put(key, ok);
            pass(ctx, ok);
        });
    }

    private synchronized io.vertx.core.WorkerExecutor checkers(RoutingContext ctx) {
        if (checkers == null) {
            checkers = ctx.vertx().createSharedWorkerExecutor("emqx-client-monitor-basic-auth", CHECKERS);
        }
        return checkers;
    }

    private static void pass(RoutingContext ctx, boolean ok) {
        if (ok) {
            ctx.next();
        } else {
            challenge(ctx);
        }
    }

    private static void challenge(RoutingContext ctx) {
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", CHALLENGE)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("Unauthorized\n");
    }

    /** user and password of a Basic Authorization header, or null. */
    static String[] credentials(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static String key(String[] credentials) {
        return HexFormat.of().formatHex(BasicAuthUsers.sha256(credentials[0] + '\u0000' + credentials[1]));
    }
}
