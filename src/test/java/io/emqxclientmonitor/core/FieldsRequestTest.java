package io.emqxclientmonitor.core;

import io.emqxclientmonitor.emqx.ClientRecordParser;
import io.emqxclientmonitor.emqx.ClientsQuery;
import io.emqxclientmonitor.emqx.PollPlan;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.EmqxVersion;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SeenRequest;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.LogCapture;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On EMQX 5.6+ the poller asks only for the fields it reads ({@code fields=…}), so EMQX serializes less; a broker
 * that refuses the list gets all fields for a while, then is asked again; EMQX before 5.6 (which ignores the parameter) keeps working.
 */
class FieldsRequestTest {
    private static final Pattern FIELDS = Pattern.compile("[?&]fields=([^&]*)");

    @TempDir
    Path dir;
    private final SteppedClock clock = new SteppedClock(Fleets.START);
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    private static Set<String> fieldsOf(SeenRequest request) {
        Matcher m = FIELDS.matcher(request.rawPathAndQuery());
        return m.find() ? new TreeSet<>(Arrays.asList(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).split(",")))
                : Set.of();
    }

    private RunningExporter exporter(EmqxSimulator emqx, Map<String, String> extra) {
        Map<String, String> properties = RunningExporter.defaults(emqx);
        properties.putAll(extra);
        RunningExporter exporter = RunningExporter.start(properties, clock);
        running.add(0, exporter);
        return exporter;
    }

    private EmqxSimulator serve(Fleet fleet, SimulatorOptions options) {
        EmqxSimulator emqx = new EmqxSimulator(fleet, options).start();
        running.add(emqx);
        return emqx;
    }

    /** The per-client series (those with a client_id label), which must not depend on how EMQX was asked. */
    private static List<String> clientSeries(String exposition) {
        return exposition.lines().filter(l -> l.contains("client_id=\"")).toList();
    }

    @Test
    @DisplayName("every request to EMQX 5.8 asks for exactly the fields the exporter reads, and the series are those of all fields")
    void asksForTheFieldsItReadsAndLosesNothing() {
        EmqxSimulator projecting = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        running.add(projecting);
        EmqxSimulator refusing = serve(projecting.fleet(), SimulatorOptions.defaults());
        refusing.fieldSchema().forget("keepalive");
        Map<String, String> clients = Map.of("emqx.clients", Fleets.SMALL_FLEET_CLIENTS);
        RunningExporter withFields = exporter(projecting, clients);
        RunningExporter withoutFields = exporter(refusing, clients);

        withFields.pollNow();
        withoutFields.pollNow();

        assertTrue(projecting.requests().all().stream().allMatch(r -> r.status() == 200
                && fieldsOf(r).equals(new TreeSet<>(ClientRecordParser.FIELDS))), projecting.requests().all().toString());
        assertEquals(clientSeries(withoutFields.scrape()), clientSeries(withFields.scrape()));
    }

    @Test
    @DisplayName("fields= at least halves the bytes EMQX serializes per monitored client, within the 8000-byte request line")
    void fieldsHalveWhatEmqxSerializes() throws Exception {
        Fleet fleet = Fleet.connected(clock, "device-", 1500, 20);
        for (String id : fleet.clientIds()) {
            fleet.client(id).publish(12_345, 1, 300).subscriptions(2);
        }
        EmqxSimulator projecting = serve(fleet, SimulatorOptions.defaults());
        EmqxSimulator refusing = serve(fleet, SimulatorOptions.defaults());
        refusing.fieldSchema().forget("recv_oct");
        Map<String, String> clients = Map.of("emqx.clients-file", clientsFile(fleet.clientIds().subList(0, 1000)).toString());
        RunningExporter withFields = exporter(projecting, clients);
        RunningExporter withoutFields = exporter(refusing, clients);
        withoutFields.pollNow(); // learns that the broker refuses the list
        refusing.requests().clear();

        withFields.pollNow();
        withoutFields.pollNow();

        long with = projecting.requests().bytesServed();
        long without = refusing.requests().bytesServed();
        assertTrue(2 * with <= without, with / 1000 + " bytes per client with fields, " + without / 1000 + " without");
        System.out.printf("bytes per monitored client: %d with fields=, %d without%n", with / 1000, without / 1000);
        assertTrue(projecting.requests().all().stream().allMatch(r -> r.status() == 200 && r.requestLineLength() <= 8000
                && r.rawPathAndQuery().contains(ClientsQuery.FIELDS)), "sent as counted, commas unencoded");
        int fewest = (int) Math.ceil(1000 * ("&clientid=".length() + 20.0)
                / (8000 - ClientsQuery.requestLineLength("/api/v5/clients", ClientsQuery.page(99999, 1000, List.of(), true))));
        assertEquals(fewest, projecting.requests().count(), "as few requests as the request line allows with fields=");
        assertEquals(new io.emqxclientmonitor.support.Exposition(withFields.scrape()).samples("emqx_client_monitor_connected")
                .stream().filter(s -> s.endsWith(" 1.0")).count(), 1000);
    }

    @Test
    @DisplayName("a refused field list (a flaky proxy's 400) is asked for again after the clientid filter's probe interval;"
            + " accepted: one INFO, and fields= from then on")
    void aRefusedFieldListIsAskedForAgainLater() {
        EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        running.add(emqx);
        emqx.fieldSchema().forget("disconnected_at");
        RunningExporter exporter = exporter(emqx, Map.of("emqx.clients", Fleets.SMALL_FLEET_CLIENTS));
        exporter.pollNow(); // refused
        emqx.fieldSchema().remember("disconnected_at");
        emqx.requests().clear();
        try (LogCapture log = LogCapture.start()) {
            for (int i = 1; i < PollPlan.POLLS_BETWEEN_PROBES; i++) {
                exporter.pollNow();
            }
            assertTrue(emqx.requests().all().stream().allMatch(r -> fieldsOf(r).isEmpty()), "not asked again before the interval");
            emqx.requests().clear();

            exporter.pollNow();
            exporter.pollNow();

            List<SeenRequest> requests = emqx.requests().all();
            assertTrue(requests.stream().allMatch(r -> r.status() == 200 && !fieldsOf(r).isEmpty()), requests.toString());
            assertEquals(1, log.lines(l -> l.contains("accepts fields")).size(), log.text());
            assertTrue(log.warningsAndErrors().isEmpty(), log.text());
        }
    }

    @Test
    @DisplayName("a broker that refuses the field list (400): one warning, the same poll gets all fields, so do the next polls")
    void aRefusedFieldListFallsBackToAllFieldsForGood() {
        EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults());
        running.add(emqx);
        emqx.fieldSchema().forget("disconnected_at");
        RunningExporter exporter = exporter(emqx, Map.of("emqx.clients", Fleets.SMALL_FLEET_CLIENTS));
        try (LogCapture log = LogCapture.start()) {
            exporter.pollNow();
            exporter.pollNow();

            List<SeenRequest> requests = emqx.requests().all();
            assertEquals(400, requests.get(0).status());
            assertTrue(requests.subList(1, requests.size()).stream().allMatch(r -> r.status() == 200 && fieldsOf(r).isEmpty()),
                    requests.toString());
            assertEquals(1, log.warningsAndErrors().size(), log.text());
            assertTrue(log.warningsAndErrors().get(0).contains("fields"), log.text());
        }
        assertTrue(exporter.scrape().contains("emqx_client_monitor_up{broker=\"emqx\"} 1.0"));
    }

    @Test
    @DisplayName("EMQX 5.4 ignores fields= and clientid=: the poller reads the full list without fields and keeps working")
    void emqxBefore56KeepsWorkingWithoutFields() {
        EmqxSimulator emqx = Fleets.smallFleet(clock, SimulatorOptions.defaults().withVersion(EmqxVersion.V5_4));
        running.add(emqx);
        RunningExporter exporter = exporter(emqx, Map.of("emqx.clients", Fleets.SMALL_FLEET_CLIENTS));

        exporter.pollNow();
        emqx.requests().clear();
        exporter.pollNow();

        assertTrue(emqx.requests().all().stream().allMatch(r -> r.status() == 200 && fieldsOf(r).isEmpty()
                && r.clientIdParams().isEmpty()), emqx.requests().all().toString());
        assertTrue(exporter.scrape().contains(
                "emqx_client_monitor_connected{alias=\"QingpingCO2_Room2\",broker=\"emqx\",client_id=\"qingping-DEADBEEF5678\"} 1.0"));
    }

    private Path clientsFile(List<String> ids) throws Exception {
        Path clients = dir.resolve("clients.yaml");
        StringBuilder yaml = new StringBuilder("monitored_clients:\n");
        for (String id : ids) {
            yaml.append("  - alias: a-").append(id).append("\n    client_id: ").append(id).append('\n');
        }
        Files.writeString(clients, yaml);
        return clients;
    }
}
