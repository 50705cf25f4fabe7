package io.emqxclientmonitor.cli;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import com.github.freva.asciitable.Styler;
import io.emqxclientmonitor.emqx.EmqxCounter;
import io.emqxclientmonitor.state.ClientView;
import org.ocpsoft.prettytime.PrettyTime;
import org.ocpsoft.prettytime.units.JustNow;
import org.ocpsoft.prettytime.units.Millisecond;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The table {@code check} prints: the reference exporter's columns (Alias, Created and Connected as time ago,
 * Keep alive, Sub Cnt, MsgIn Flght, RX/TX Msg and Drop) plus State and the diagnostics columns Drops, Last seen and
 * Offline for. Box drawing and colours on a terminal; plain ASCII otherwise, so it pipes, greps and diffs well.
 */
final class CheckReport {
    private static final String NONE = "-";
    private static final String ANSI_RESET = "\u001B[0m";
    /** Like {@link AsciiTable#FANCY_ASCII} without lines between data rows. */
    private static final Character[] BOX = fancyWithoutRowLines();

    private final Instant now;
    private final PrettyTime prettyTime;

    CheckReport(Instant now) {
        this.now = now;
        this.prettyTime = new PrettyTime(Date.from(now), Locale.ENGLISH);
        prettyTime.removeUnit(JustNow.class);
        prettyTime.removeUnit(Millisecond.class);
    }

    /**
     * @param byClientId {@code --all}: the first column is the client id instead of the alias
     * @param showBroker several brokers: a Broker column first
     * @param terminal   box drawing and colours
     */
    String render(List<ClientView> clients, boolean byClientId, boolean showBroker, boolean terminal) {
        List<Column> columns = new ArrayList<>();
        List<Function<ClientView, String>> cells = new ArrayList<>();
        if (showBroker) {
            add(columns, cells, "Broker", false, ClientView::broker);
        }
        if (byClientId) {
            add(columns, cells, "Client ID", false, ClientView::clientId);
        } else {
            add(columns, cells, "Alias", false, ClientView::alias);
        }
        if (clients.stream().anyMatch(ClientView::fromPattern)) {
            add(columns, cells, "Source", false, ClientView::source);
        }
        int stateColumn = columns.size();
        add(columns, cells, "State", false, CheckReport::state);
        add(columns, cells, "Created\n(time ago)", true, c -> ago(c.createdAt()));
        add(columns, cells, "Keep\nalive", true, c -> c.seen() ? keepalive(c.keepalive()) : NONE);
        add(columns, cells, "Connected\n(time ago)", true, c -> ago(c.connectedAt()));
        add(columns, cells, "Sub\nCnt", true, c -> number(c, c.subscriptions()));
        add(columns, cells, "MsgIn\nFlght", true, c -> number(c, c.inflight()));
        add(columns, cells, "RX\nMsg", true, c -> number(c, c.counter(EmqxCounter.RECV_MSG)));
        add(columns, cells, "RX\nDrop", true, c -> number(c, c.counter(EmqxCounter.RECV_MSG_DROPPED)));
        add(columns, cells, "TX\nMsg", true, c -> number(c, c.counter(EmqxCounter.SEND_MSG)));
        add(columns, cells, "TX\nDrop", true, c -> number(c, c.counter(EmqxCounter.SEND_MSG_DROPPED)));
        add(columns, cells, "Drops", true, c -> Long.toString(c.disconnects()));
        if (clients.stream().anyMatch(c -> c.lastDisconnectReason() != null)) {
            // the event feed's reasons (kept in the state file); without a feed nothing knows a reason
            add(columns, cells, "Last drop\nreason", false, c -> c.lastDisconnectReason() == null ? NONE : c.lastDisconnectReason());
        }
        add(columns, cells, "Last seen\n(time ago)", true, c -> c.lastSeen() == null ? "never" : ago(c.lastSeen()));
        add(columns, cells, "Offline\nfor", true, c -> c.offlineFor(now) == null ? NONE : duration(c.offlineFor(now)));

        Object[][] data = new Object[clients.size()][];
        for (int row = 0; row < clients.size(); row++) {
            ClientView client = clients.get(row);
            data[row] = cells.stream().map(cell -> cell.apply(client)).toArray();
        }
        var table = AsciiTable.builder().lineSeparator("\n")
                .border(terminal ? BOX : AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS)
                .data(columns.toArray(Column[]::new), data);
        if (terminal) {
            table.styler(new StateColours(clients, stateColumn));
        }
        return table.asString() + "\n";
    }

    private static void add(List<Column> columns, List<Function<ClientView, String>> cells, String header,
                            boolean right, Function<ClientView, String> cell) {
        HorizontalAlign align = right ? HorizontalAlign.RIGHT : HorizontalAlign.LEFT;
        columns.add(new Column().header(header).headerAlign(align).dataAlign(align));
        cells.add(cell);
    }

    /** The JSON API's words: connected, disconnected (EMQX keeps the session), absent, unknown. */
    static String state(ClientView client) {
        return client.presence().name().toLowerCase(Locale.ROOT);
    }

    private String ago(Instant at) {
        return at == null ? NONE : duration(Duration.between(at, now));
    }

    /** "now", "12 seconds", "5 minutes", "16 hours", "2 weeks" (PrettyTime, rounded like the reference's table). */
    private String duration(Duration duration) {
        if (duration.toMillis() < 1000) {
            return "now";
        }
        return prettyTime.formatDuration(Date.from(now.minus(duration)));
    }

    /** Seconds as the reference writes them: 10s, 1m, 2m, 1m30s; 0 means keep-alive is off. */
    static String keepalive(long seconds) {
        if (seconds <= 0) {
            return "off";
        }
        long minutes = seconds / 60;
        long rest = seconds % 60;
        if (minutes == 0) {
            return seconds + "s";
        }
        return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
    }

    private static String number(ClientView client, long value) {
        return client.seen() ? Long.toString(value) : NONE;
    }

    private static Character[] fancyWithoutRowLines() {
        Character[] border = AsciiTable.FANCY_ASCII.clone();
        for (int i = 14; i <= 17; i++) {
            border[i] = null;
        }
        return border;
    }

    /** Green connected, yellow disconnected, red absent, dim unknown. */
    private record StateColours(List<ClientView> clients, int stateColumn) implements Styler {
        @Override
        public List<String> styleCell(Column column, int row, int col, List<String> data) {
            if (col != stateColumn) {
                return data;
            }
            String colour = switch (clients.get(row).presence()) {
                case CONNECTED -> "\u001B[32m";
                case DISCONNECTED -> "\u001B[33m";
                case ABSENT -> "\u001B[31m";
                case UNKNOWN -> "\u001B[2m";
            };
            return data.stream().map(line -> colour + line + ANSI_RESET).toList();
        }

        @Override
        public List<String> styleHeader(Column column, int col, List<String> data) {
            return data.stream().map(line -> "\u001B[1m" + line + ANSI_RESET).toList();
        }
    }
}
