package io.emqxclientmonitor.emqx;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientsQueryTest {

    @Test
    void valuesAreEncodedSoEmqxsFormDecodingGivesThemBackExactly() {
        assertEquals("a%2Bb", ClientsQuery.encode("a+b"));
        assertEquals("a%20b", ClientsQuery.encode("a b"));
        assertEquals("a%26b%3Dc%23d%25e%2Ff", ClientsQuery.encode("a&b=c#d%e/f"));
        assertEquals("%C3%BC", ClientsQuery.encode("ü"));
        assertEquals("sensor-01_x.y", ClientsQuery.encode("sensor-01_x.y"));
    }

    @Test
    void aPageQueryRepeatsClientidForEveryId() {
        assertEquals("page=2&limit=1000&clientid=a&clientid=b%2Bc", ClientsQuery.page(2, 1000, List.of("a", "b+c")));
    }

    @Test
    void batchesStayWithinTheRequestLineLimitAndAreAsFewAsPossible() {
        List<String> ids = IntStream.range(0, 1000).mapToObj(i -> String.format("sensor-%013d", i)).toList();
        String path = "/api/v5/clients";
        List<List<String>> batches = ClientsQuery.batches(ids, path, 1000, 8000);

        for (List<String> batch : batches) {
            int length = ClientsQuery.requestLineLength(path, ClientsQuery.page(99999, 1000, batch));
            assertTrue(length <= 8000, "request line of " + length + " bytes");
        }
        int bytesOfIds = ids.stream().mapToInt(id -> "&clientid=".length() + id.length()).sum();
        int room = 8000 - ClientsQuery.requestLineLength(path, ClientsQuery.page(99999, 1000, List.of()));
        assertEquals((bytesOfIds + room - 1) / room, batches.size());
        assertEquals(ids, batches.stream().flatMap(List::stream).toList());
    }

    @Test
    void withFieldsEveryBatchKeepsRoomForTheFieldListAndStillUsesAsFewRequestsAsPossible() {
        List<String> ids = IntStream.range(0, 1000).mapToObj(i -> String.format("sensor-%013d", i)).toList();
        String path = "/api/v5/clients";
        List<List<String>> batches = ClientsQuery.batches(ids, path, 1000, 8000, true);

        for (List<String> batch : batches) {
            String query = ClientsQuery.page(99999, 1000, batch, true);
            assertTrue(query.contains("&" + ClientsQuery.FIELDS + "&"), query);
            assertTrue(ClientsQuery.requestLineLength(path, query) <= 8000);
        }
        int bytesOfIds = ids.stream().mapToInt(id -> "&clientid=".length() + id.length()).sum();
        int room = 8000 - ClientsQuery.requestLineLength(path, ClientsQuery.page(99999, 1000, List.of(), true));
        assertEquals((bytesOfIds + room - 1) / room, batches.size());
        assertEquals(ids, batches.stream().flatMap(List::stream).toList());
    }

    @Test
    void theFieldListIsEveryFieldTheParserReadsAndNothingElse() {
        String list = ClientsQuery.FIELDS.substring("fields=".length());
        assertEquals(new java.util.TreeSet<>(ClientRecordParser.FIELDS), new java.util.TreeSet<>(List.of(list.split(","))));
        assertEquals(27, ClientRecordParser.FIELDS.size());
    }

    @Test
    void anIdTooLongForAnyRequestIsRefusedWithItsName() {
        String huge = "x".repeat(9000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientsQuery.batches(List.of(huge), "/api/v5/clients", 1000, 8000));
        assertTrue(e.getMessage().contains("alone makes a request line longer than 8000"));
    }
}
