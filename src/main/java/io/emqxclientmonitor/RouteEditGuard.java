package io.emqxclientmonitor;

import io.emqxclientmonitor.web.HealthSteps;
import org.apache.camel.CamelContext;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.StartupListener;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.component.bean.MethodNotFoundException;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes Camel's live reload of {@code routes/} safe: wraps the listener of camel-main's
 * {@link RouteWatcherReloadStrategy} (with {@code camel.main.routes-reload-remove-all-routes=false}, Camel updates
 * only the routes of the edited file). An edit Camel cannot load or start is rejected: one WARN names the file, line
 * and column, and the file's routes go back to their last good version, so the exporter keeps polling and serving.
 * Saving a fixed file loads it as usual.
 */
public final class RouteEditGuard implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(RouteEditGuard.class);
    private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+), column (\\d+)");

    private final CamelContext context;
    /** Per file (resource location): its last text that loaded and started, and the route ids it defines. */
    private final Map<String, String> lastGood = new HashMap<>();
    private final Map<String, Set<String>> routeIds = new HashMap<>();
    /** Per file, the rejection last logged: one save fires several file events, and each is one WARN at most. */
    private final Map<String, String> rejected = new HashMap<>();
    /** The route ids the exporter started with: removing one of them fails readiness, so it is a WARN. */
    private final Set<String> startedWith = new LinkedHashSet<>();

    private RouteEditGuard(CamelContext context) {
        this.context = context;
    }

    public static void install(CamelContext context) throws Exception {
        context.addStartupListener(new RouteEditGuard(context));
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        // check runs without a server and without the HTTP routes on purpose
        boolean serving = !"false".equalsIgnoreCase(context.getPropertiesComponent().resolveProperty("camel.server.enabled").orElse("true").trim());
        for (String id : HealthSteps.REQUIRED_ROUTES) {
            if (serving && context.getRoute(id) == null) {
                LOG.warn("route {} is missing (no route file defines it; deleted or renamed in routes/?): /-/ready answers 503"
                        + " until it is back; restore the file (the project's routes/ has it)", id);
            }
        }
        RouteWatcherReloadStrategy watcher = context.hasService(RouteWatcherReloadStrategy.class);
        if (watcher == null || watcher.getResourceReload() == null) {
            return; // reload off
        }
        for (Route route : context.getRoutes()) {
            remember(route.getSourceResource());
            startedWith.add(route.getRouteId());
        }
        ResourceReload camels = watcher.getResourceReload();
        watcher.setResourceReload((name, resource) -> reload(camels, name, resource));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    private void reload(ResourceReload camels, String name, Resource resource) throws Exception {
        if (name.endsWith(".properties") || resource == null) {
            camels.onReload(name, resource);
            return;
        }
        String text;
        try {
            text = read(resource);
        } catch (IOException e) {
            return; // deleted or unreadable: the running routes stay as they are
        }
        if (text.isBlank()) {
            LOG.debug("{} is empty (a save in progress?): its routes stay as they are", name);
            return;
        }
        Map<String, Route> before = routesOf(resource.getLocation());
        List<String> kamelets = kameletRoutesOf(before.values());
        try {
            // before Camel replaces the routes they feed: a poll in flight still finds its consumer and ends
            for (String id : kamelets) {
                remove(context.getCamelContextExtension().getContextPlugin(Model.class), id);
            }
            camels.onReload(name, resource);
            List<String> notRunning = notRunning(resource.getLocation());
            if (!notRunning.isEmpty()) {
                throw new IllegalStateException("route(s) " + notRunning + " did not start");
            }
            removeReplaced(name, resource.getLocation(), text, before);
            remember(resource.getLocation(), text);
            rejected.remove(key(resource.getLocation()));
        } catch (Exception e) {
            String why = where(e, text) + ": " + firstLine(e);
            if (!why.equals(rejected.put(key(resource.getLocation()), why))) {
                LOG.warn("{}: edit rejected{}; the last good version of its routes keeps running, fix the file and save it again",
                        name, why);
            }
            restore(resource.getLocation(), !kamelets.isEmpty());
        }
    }

    /** The Kamelet routes these routes consume from ({@code from: kamelet:…}): Camel's reload leaves them running. */
    private static List<String> kameletRoutesOf(java.util.Collection<Route> routes) {
        return routes.stream().filter(r -> r.getEndpoint() instanceof KameletEndpoint k && k.getRouteId() != null)
                .map(r -> ((KameletEndpoint) r.getEndpoint()).getRouteId()).distinct().toList();
    }

    /** The file's routes by id, as Camel runs them now. */
    private Map<String, Route> routesOf(String location) {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getSourceResource() != null && key(location).equals(key(route.getSourceResource().getLocation()))) {
                routes.put(route.getRouteId(), route);
            }
        }
        return routes;
    }

    /**
     * Camel reloads only the routes the new text defines: a route whose id the edit changed keeps running beside its
     * successor (a renamed emqx-poll polls twice). The old route goes (readiness then names it if the exporter
     * needs it). (The Kamelet routes behind the file's {@code from: kamelet:…} went before the reload.)
     */
    private void removeReplaced(String name, String location, String text, Map<String, Route> before) throws Exception {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        Map<String, Route> now = routesOf(location);
        List<String> gone = before.entrySet().stream()
                .filter(e -> now.get(e.getKey()) == e.getValue() && !defines(text, e.getKey()))
                .map(Map.Entry::getKey).toList();
        for (String id : gone) {
            remove(model, id);
        }
        if (!gone.isEmpty()) {
            List<String> added = now.keySet().stream().filter(id -> !before.containsKey(id)).toList();
            boolean needed = gone.stream().anyMatch(startedWith::contains);
            String line = "{}: its route(s) {} are now {}: the old one(s) are stopped and removed so nothing runs twice{}";
            Object[] args = {name, gone, added, needed ? "; the exporter needs " + gone.stream().filter(startedWith::contains).toList()
                    + " (/-/ready answers 503 until the id is restored)" : ""};
            if (needed) {
                LOG.warn(line, args);
            } else {
                LOG.info(line, args);
            }
        }
    }

    /** Whether the text has {@code id: <id>} on a line of its own (a route's id). */
    private static boolean defines(String text, String id) {
        return Pattern.compile("(?m)^\\s*(?:-\\s*)?id:\\s*[\"']?" + Pattern.quote(id) + "[\"']?\\s*(?:#.*)?$").matcher(text).find();
    }

    private List<String> notRunning(String location) {
        return routeIds.getOrDefault(key(location), Set.of()).stream()
                .filter(id -> context.getRouteController().getRouteStatus(id) != ServiceStatus.Started)
                .toList();
    }

    /** Puts the file's routes back as they last loaded and started; {@code reload}: even those still running. */
    private void restore(String location, boolean reload) {
        String good = lastGood.get(key(location));
        if (good == null) {
            return;
        }
        try {
            Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
            Set<String> known = routeIds.getOrDefault(key(location), Set.of());
            // routes the rejected text added under ids of its own (a renamed route): they go, running or not
            for (Route route : List.copyOf(context.getRoutes())) {
                if (route.getSourceResource() != null && key(location).equals(key(route.getSourceResource().getLocation()))
                        && !known.contains(route.getRouteId())) {
                    remove(model, route.getRouteId());
                }
            }
            for (String id : known) {
                if (context.getRouteController().getRouteStatus(id) == ServiceStatus.Started) {
                    continue;
                }
                remove(model, id);
            }
            if (reload || !notRunning(location).isEmpty()) {
                PluginHelper.getRoutesLoader(context).updateRoutes(List.of(ResourceHelper.fromString(location, good)));
            }
        } catch (Exception e) {
            LOG.error("{}: could not put back the last good version of its routes ({}); restart the exporter",
                    location, firstLine(e));
        }
    }

    private void remove(Model model, String id) throws Exception {
        if (context.getRoute(id) != null) {
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
        }
        RouteDefinition definition = model.getRouteDefinition(id);
        if (definition != null) {
            model.removeRouteDefinition(definition);
        }
    }

    private void remember(Resource resource) {
        if (resource == null || lastGood.containsKey(key(resource.getLocation()))) {
            return;
        }
        try {
            remember(resource.getLocation(), read(resource));
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", resource.getLocation(), e.toString());
        }
    }

    private void remember(String location, String text) {
        lastGood.put(key(location), text);
        Set<String> ids = new LinkedHashSet<>();
        for (Route route : context.getRoutes()) {
            if (route.getSourceResource() != null && key(location).equals(key(route.getSourceResource().getLocation()))) {
                ids.add(route.getRouteId());
            }
        }
        routeIds.put(key(location), ids);
    }

    /** " at line L, column C" when the error or the file tells where, else "". */
    private static String where(Throwable error, String text) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml && yaml.getProblemMark().isPresent()) {
                var mark = yaml.getProblemMark().get();
                return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            }
            Matcher m = LINE_COLUMN.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return " at line " + m.group(1) + ", column " + m.group(2);
            }
            if (t instanceof MethodNotFoundException missing && missing.getMethodName() != null) {
                String at = position(text, "method", missing.getMethodName());
                if (at != null) {
                    return at;
                }
            }
            if (t instanceof NoSuchBeanException missing && missing.getName() != null) {
                String at = position(text, "(?:ref|bean)", missing.getName());
                if (at != null) {
                    return at;
                }
            }
        }
        return "";
    }

    /** " at line L, column C" of the first {@code key: name} in the file, or null. */
    private static String position(String text, String key, String name) {
        Matcher named = Pattern.compile(key + ":\\s*[\"']?" + Pattern.quote(name) + "\\b").matcher(text);
        if (!named.find()) {
            return null;
        }
        int line = 1 + (int) text.substring(0, named.start()).chars().filter(c -> c == '\n').count();
        int column = named.start() - text.lastIndexOf('\n', named.start() - 1);
        return " at line " + line + ", column " + column;
    }

    /** The innermost cause's first line: what Camel or the YAML parser found wrong. */
    private static String firstLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof MarkedYamlEngineException yaml && yaml.getProblem() != null) {
            return yaml.getProblem();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).trim();
    }

    /** The same file, however Camel spelt its location (file:routes/x.yaml, file:/abs/routes/x.yaml). */
    private static String key(String location) {
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        try {
            return java.nio.file.Path.of(path).toAbsolutePath().normalize().toString();
        } catch (RuntimeException e) {
            return location;
        }
    }

    private static String read(Resource resource) throws IOException {
        try (Reader reader = resource.getReader()) {
            StringWriter out = new StringWriter();
            reader.transferTo(out);
            return out.toString();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
