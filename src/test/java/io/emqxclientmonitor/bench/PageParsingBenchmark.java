package io.emqxclientmonitor.bench;

import com.fasterxml.jackson.databind.ObjectReader;
import io.emqxclientmonitor.emqx.ClientRecordParser;
import io.emqxclientmonitor.emqx.ClientsPage;
import io.emqxclientmonitor.emqx.OldPageReader;
import io.emqxclientmonitor.emqx.PageBody;
import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CPU of reading one page of 250 rows as the simulator sends it (EMQX 5.8), with {@code fields=} and with every
 * field: the old reading (text with U+FFFD, char parser, HashMap rows) against today's (PageBody's UTF-8 check,
 * byte parser, ClientRow rows), in ns per row, single thread. {@code ./mvnw -B -Pbench test -Dtest=PageParsingBenchmark};
 * seconds per measurement via -Dbench.parseSeconds (default 4).
 */
class PageParsingBenchmark {
    private static final int ROWS = 250;
    private static final ObjectReader PAGES = ClientsPage.mapper().readerFor(ClientsPage.class);

    @Test
    void nanosecondsPerRow() throws Exception {
        double seconds = Double.parseDouble(System.getProperty("bench.parseSeconds", "4"));
        Fleet fleet = Fleet.connected(Clock.systemUTC(), "bench-", ROWS, 12);
        byte[] fieldsPage;
        byte[] allFieldsPage;
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            String fields = String.join(",", ClientRecordParser.FIELDS.stream().sorted().toList());
            fieldsPage = get(emqx, "?page=1&limit=" + ROWS + "&fields=" + fields);
            allFieldsPage = get(emqx, "?page=1&limit=" + ROWS);
        }
        StringBuilder report = new StringBuilder("\n## Page parsing (one page of " + ROWS + " rows, ns per row)\n\n"
                + "| page | bytes | old | new | new/old |\n|---|---:|---:|---:|---:|\n");
        row(report, "fields=", fieldsPage, seconds);
        row(report, "all fields", allFieldsPage, seconds);
        System.out.println(report);
    }

    private static void row(StringBuilder report, String name, byte[] page, double seconds) throws Exception {
        assertEquals(ROWS, OldPageReader.read(page).data().size());
        assertEquals(OldPageReader.read(page).data(), readNew(page).data());
        Parse old = OldPageReader::read;
        Parse now = PageParsingBenchmark::readNew;
        measure(old, page, seconds / 2); // warm-up, both
        measure(now, page, seconds / 2);
        double oldNs = measure(old, page, seconds);
        double newNs = measure(now, page, seconds);
        report.append(String.format(Locale.ROOT, "| %s | %,d | %.0f | %.0f | %.2f |%n",
                name, page.length, oldNs, newNs, newNs / oldNs));
    }

    private static ClientsPage readNew(byte[] body) throws Exception {
        Object chosen = PageBody.choose(body);
        return chosen instanceof byte[] bytes ? PAGES.readValue(bytes) : PAGES.readValue((Reader) chosen);
    }

    private static double measure(Parse parse, byte[] page, double seconds) throws Exception {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long pages = 0;
        long sink = 0;
        while (System.nanoTime() - start < budget) {
            for (int i = 0; i < 20; i++) {
                sink += parse.read(page).data().size();
            }
            pages += 20;
        }
        long elapsed = System.nanoTime() - start;
        assertEquals(pages * ROWS, sink);
        return (double) elapsed / (pages * ROWS);
    }

    private interface Parse {
        ClientsPage read(byte[] page) throws Exception;
    }

    private static byte[] get(EmqxSimulator emqx, String query) throws Exception {
        String auth = Base64.getEncoder().encodeToString((emqx.options().apiKey() + ":" + emqx.options().apiSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(emqx.apiUrl() + "/v5/clients" + query))
                        .header("Authorization", "Basic " + auth).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return response.body();
    }
}
