package io.emqxclientmonitor.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.emqxclientmonitor.CamelLauncher;
import io.emqxclientmonitor.MonitorBeans;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.MonitoredClient;
import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.EmqxPollSteps;
import io.emqxclientmonitor.emqx.PollFailure;
import io.emqxclientmonitor.state.BrokerState;
import io.emqxclientmonitor.state.ClientState;
import io.emqxclientmonitor.state.ClientTracker;
import io.emqxclientmonitor.state.ClientView;
import io.emqxclientmonitor.web.ApiJson;
import io.emqxclientmonitor.web.ClientDocuments;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Polls EMQX once and prints a table of the monitored clients.",
                "Every configured broker is polled; the table shows each client's diagnostics (drops, last seen,",
                "offline for; history from the state file if there is one). Serves nothing: no port is bound.",
                "Exit code: 0 all monitored clients connected, 1 some are not, 2 configuration or EMQX error."})
public final class CheckCommand implements Callable<Integer> {
    /** The routes check does without: the timer (it polls once itself) and every HTTP route (there is no server). */
    static final String ROUTES_NOT_NEEDED = "**/emqx-poll.yaml,**/metrics.yaml,**/health-*.yaml,**/landing-page.yaml,**/api-*.yaml";

    enum Colour { auto, always, never }

    @ParentCommand
    ServeCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--all", description = "list every client on the broker(s), keyed by client id, not only the monitored ones")
    boolean all;

    @Option(names = "--json", description = "print the JSON API's document (GET /api/v1/clients) instead of the table")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "colours and box drawing: auto (on a terminal), always, never (default ${DEFAULT-VALUE})")
    Colour colour;

    private final Clock clock;
    private final Map<String, String> extraOverrides;

    public CheckCommand() {
        this(null, Map.of());
    }

    /** For tests and embedding: a clock for "now" and for the exporter, and settings on top of the usual ones. */
    public CheckCommand(Clock clock, Map<String, String> extraOverrides) {
        this.clock = clock;
        this.extraOverrides = extraOverrides;
    }

    @Override
    public Integer call() {
        quietLogging();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> overrides = parent.overrides();
        overrides.put("camel.server.enabled", "false");
        overrides.put("camel.main.routes-reload-enabled", "false");
        overrides.put("camel.main.routes-exclude-pattern", ROUTES_NOT_NEEDED);
        overrides.put(MonitorBeans.STATE_FILE_READ_ONLY, "true");
        overrides.putAll(extraOverrides);

        Main main = CamelLauncher.create(overrides, parent.writtenAs());
        main.bind(MonitorBeans.ONE_POLL, Boolean.TRUE);
        if (clock != null) {
            main.bind(MonitorBeans.CLOCK, clock);
        }
        try {
            main.start();
        } catch (Exception e) {
            ConfigException config = ExitCodes.configCause(e);
            err.println("emqx-client-monitor: " + (config != null ? "configuration error: " + config.getMessage()
                    : "cannot start: " + rootMessage(e)));
            err.flush();
            stopQuietly(main);
            return ExitCodes.ERROR;
        }
        try {
            return check(main.getCamelContext(), out, err);
        } finally {
            stopQuietly(main);
        }
    }

    private int check(CamelContext context, PrintWriter out, PrintWriter err) {
        ClientTracker tracker = context.getRegistry().lookupByNameAndType("clientTracker", ClientTracker.class);
        Map<String, Exchange> polls = pollEveryBroker(context, tracker);
        Instant now = tracker.clock().instant();

        boolean failed = false;
        List<BrokerState> answered = new ArrayList<>();
        for (BrokerState broker : tracker.brokers()) {
            if (broker.health().up()) {
                answered.add(broker);
            } else {
                PollFailure failure = broker.health().lastFailure();
                Exception crash = polls.get(broker.alias()).getException();
                err.println("emqx-client-monitor: broker " + broker.alias() + ": poll failed (" + (failure != null
                        ? failure.reason().label() + "): " + failure.message()
                        : "error): " + (crash == null ? "no answer" : rootMessage(crash))));
                failed = true;
            }
        }
        List<ClientView> rows = new ArrayList<>();
        boolean allConnected = true;
        for (BrokerState broker : answered) {
            List<ClientView> monitored = broker.clients().stream().map(ClientState::view).toList();
            allConnected &= monitored.stream().allMatch(ClientView::connected);
            rows.addAll(all ? everyClient(broker, monitored,
                    polls.get(broker.alias()).getProperty(EmqxPollSteps.POLL, BrokerPoll.class), now) : monitored);
        }
        if (json) {
            out.println(json(tracker.shards(), answered, rows, now));
        } else if (!answered.isEmpty()) {
            if (tracker.shards().sharded()) {
                out.println(tracker.shards() + " (monitor.shard, monitor.total-shards): only the clients this shard owns");
            }
            boolean terminal = colour == Colour.always || (colour == Colour.auto && System.console() != null);
            out.print(new CheckReport(now).render(rows, all, tracker.brokers().size() > 1, terminal));
        }
        out.flush();
        err.flush();
        if (failed) {
            return ExitCodes.ERROR;
        }
        return allConnected ? ExitCodes.OK : ExitCodes.NOT_ALL_CONNECTED;
    }

    /** Runs the real poll route for every broker, side by side, and hands back each finished poll. */
    private Map<String, Exchange> pollEveryBroker(CamelContext context, ClientTracker tracker) {
        ProducerTemplate producer = context.createProducerTemplate();
        Map<String, CompletableFuture<Exchange>> running = new LinkedHashMap<>();
        for (String alias : tracker.brokerAliases()) {
            running.put(alias, producer.asyncSend("direct:emqx-poll-broker", exchange -> {
                exchange.getMessage().setBody(alias);
                exchange.setProperty(EmqxPollSteps.EVERY_CLIENT, all);
            }));
        }
        Map<String, Exchange> polls = new HashMap<>();
        running.forEach((alias, exchange) -> polls.put(alias, exchange.join()));
        return polls;
    }

    /** {@code --all}: every client EMQX listed plus the monitored ones it did not, by client id. */
    private static List<ClientView> everyClient(BrokerState broker, List<ClientView> monitored, BrokerPoll poll, Instant now) {
        Map<String, ClientView> byId = new HashMap<>();
        monitored.forEach(view -> byId.put(view.clientId(), view));
        if (poll != null) {
            for (ClientRecord record : poll.records().values()) {
                byId.computeIfAbsent(record.clientId(), id -> {
                    ClientState unmonitored = new ClientState(broker.alias(), new MonitoredClient(null, id), 0);
                    unmonitored.observe(record, now);
                    return unmonitored.view();
                });
            }
        }
        return byId.values().stream().sorted(Comparator.comparing(ClientView::clientId)).toList();
    }

    private static String json(io.emqxclientmonitor.config.ShardAssignment shards, List<BrokerState> brokers, List<ClientView> clients, Instant now) {
        try {
            return ApiJson.mapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(ClientDocuments.list(shards, brokers, clients, now));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Only warnings and errors reach stderr; stdout carries the report alone. */
    private static void quietLogging() {
        String prefix = "org.slf4j.simpleLogger.";
        System.setProperty(prefix + "defaultLogLevel", "warn");
        for (String logger : List.of("org.apache.camel.main", "org.apache.camel.impl.engine.AbstractCamelContext",
                "org.apache.camel.component.platform.http.main")) {
            System.setProperty(prefix + "log." + logger, "warn");
        }
        // check prints a failed poll itself, in one line
        System.setProperty(prefix + "log.io.emqxclientmonitor.state.ClientTracker", "error");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception ignored) {
            // nothing left to do for a one-shot command
        }
    }
}
