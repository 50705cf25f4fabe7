package io.emqxclientmonitor.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x instance the exporter's HTTP server runs on, bound in Camel's registry, where camel-platform-http-vertx
 * looks its Vert.x up. Camel 4.18 has no setting for idle or header timeouts or a connection limit: its
 * VertxPlatformHttpServer builds {@code new HttpServerOptions()} with TLS only (and {@code camel.server.*} has
 * nothing either). So this instance hands it a server with them: it is the real Vert.x, except that
 * {@code createHttpServer(options)} adds the idle timeout to the options, a {@link ConnectionWatch} as connection
 * handler, and puts the {@link FrontDoor} before the request handler Camel installs (its router).
 */
final class BoundedHttpServers {
    private BoundedHttpServers() {
    }

    /** A new Vert.x (Camel's {@link VertxOptions} from the registry when there are some) whose HTTP servers keep these limits. */
    static Vertx vertx(VertxOptions options, HttpLimits limits) {
        Vertx real = Vertx.vertx(options == null ? new VertxOptions() : options);
        return proxy(real, (self, method, args) -> {
            if (method.getName().equals("createHttpServer") && args != null && args.length == 1
                    && args[0] instanceof HttpServerOptions serverOptions) {
                return bounded(real, new HttpServerOptions(serverOptions), limits);
            }
            return call(real, method, args);
        });
    }

    private static HttpServer bounded(Vertx vertx, HttpServerOptions options, HttpLimits limits) {
        // no h2c: it waits for a first byte (an HTTP/2 preface?) before a connection exists and can be watched
        options.setIdleTimeout(limits.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS).setHttp2ClearTextEnabled(false);
        ConnectionWatch watch = new ConnectionWatch(limits);
        HttpServer server = vertx.createHttpServer(options).connectionHandler(watch);
        watch.start(vertx);
        return proxy(server, (self, method, args) -> {
            if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<HttpServerRequest> handler = (Handler<HttpServerRequest>) args[0];
                server.requestHandler(new FrontDoor(handler, watch));
                return self;
            }
            Object result = call(server, method, args);
            return result == server ? self : result;
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(T real, InvocationHandler handler) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> type = real.getClass(); type != null; type = type.getSuperclass()) {
            addInterfaces(type, interfaces);
        }
        return (T) Proxy.newProxyInstance(real.getClass().getClassLoader(), interfaces.toArray(Class<?>[]::new), handler);
    }

    private static void addInterfaces(Class<?> type, Set<Class<?>> into) {
        for (Class<?> implemented : type.getInterfaces()) {
            if (into.add(implemented)) {
                addInterfaces(implemented, into);
            }
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
