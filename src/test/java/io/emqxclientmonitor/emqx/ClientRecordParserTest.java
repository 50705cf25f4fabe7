package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every real sample from EMQX's sources and docs (src/test/resources/emqx-samples) reads as EMQX meant it. */
class ClientRecordParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Path.of("src/test/resources/emqx-samples");

    @Test
    void theSwaggerExampleWithInfinityStringsAndAnOffsetTimestamp() throws Exception {
        ClientRecord record = onlyRow("clients-list-200-swagger-example-emqx-HEAD.json");
        assertEquals("01", record.clientId());
        assertTrue(record.connected());
        assertEquals(Instant.parse("2024-01-01T04:34:56.789Z"), record.connectedAt());
        assertEquals(1, record.subscriptions());
        assertEquals(49, record.counter(EmqxCounter.RECV_OCT));
        assertEquals(4, record.counter(EmqxCounter.SEND_PKT));
        assertEquals(0, record.counter(EmqxCounter.SEND_MSG_DROPPED_TOO_LARGE));
        assertNull(record.username());
    }

    @Test
    void theCloudExampleWithExtraFieldsFromTheAuthBackend() throws Exception {
        ClientRecord record = onlyRow("clients-list-200-emqx-cloud-docs.json");
        assertEquals("mqttx_07cb8109", record.clientId());
        assertEquals(3, record.counter(EmqxCounter.RECV_MSG_QOS0));
        assertEquals(Instant.parse("2023-09-15T09:36:20.871Z"), record.createdAt());
        assertEquals("aip_user2", record.username());
    }

    @Test
    void singleClientLookupsParseToo() throws Exception {
        for (String file : List.of("client-lookup-200-emqx-cloud-docs.json", "client-lookup-200-swagger-example-emqx-HEAD.json")) {
            assertNotNull(ClientRecordParser.parse(JSON.readValue(SAMPLES.resolve(file).toFile(), Map.class)), file);
        }
    }

    @Test
    void everySampleFileIsReadWithoutError() throws Exception {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path file : files.toList()) {
                Object json = JSON.readValue(file.toFile(), Object.class);
                if (json instanceof Map<?, ?> map && map.get("data") instanceof List<?> rows) {
                    rows.forEach(row -> assertNotNull(ClientRecordParser.parse(row), file.toString()));
                } else {
                    ClientRecordParser.parse(json); // error bodies: no clientid, no record, no exception
                }
            }
        }
    }

    @Test
    void missingCountersStayUnknownRatherThanZero() {
        ClientRecord record = ClientRecordParser.parse(Map.of("clientid", "durable-1", "connected", false));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_MSG));
        assertFalse(record.connected());
    }

    @Test
    void badValuesCostOnlyTheirField() {
        Map<String, Object> row = new HashMap<>();
        row.put("clientid", "c");
        row.put("recv_msg", "12");
        row.put("send_msg", -5);
        row.put("recv_oct", "infinity");
        row.put("recv_pkt", 1e30);
        row.put("subscriptions_cnt", null);
        row.put("connected_at", "yesterday");
        row.put("created_at", 1700000000000L);
        row.put("connected", true);
        ClientRecord record = ClientRecordParser.parse(row);
        assertEquals(12, record.counter(EmqxCounter.RECV_MSG));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.SEND_MSG));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_OCT));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_PKT));
        assertEquals(ClientRecord.UNKNOWN, record.subscriptions());
        assertNull(record.connectedAt());
        assertEquals(Instant.ofEpochMilli(1700000000000L), record.createdAt());
    }

    @Test
    void aNumberAndTheSameNumberAsAStringReadAlike() {
        Object[] values = {0L, 7L, 1008L, ClientRecord.MAX_VALUE, ClientRecord.MAX_VALUE + 1, Long.MAX_VALUE,
                new java.math.BigInteger("9223372036854775808"), -1L, 12.0, 1e30};
        for (Object number : values) {
            long asNumber = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", number)).counter(EmqxCounter.RECV_MSG);
            long asString = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", String.valueOf(number))).counter(EmqxCounter.RECV_MSG);
            assertEquals(asNumber, asString, "recv_msg " + number + " and \"" + number + "\"");
        }
    }

    @Test
    void valuesAbove2To53AreRejectedAsInvalidAndFlagged() {
        for (Object extreme : new Object[]{Long.MAX_VALUE, "9223372036854775807", ClientRecord.MAX_VALUE + 1, -5, "-5", 1e30, "infinity"}) {
            ClientRecord record = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", extreme, "send_msg", 3));
            assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_MSG), String.valueOf(extreme));
            assertEquals(List.of("recv_msg"), record.invalidFieldNames(), String.valueOf(extreme));
        }
        ClientRecord largest = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", ClientRecord.MAX_VALUE));
        assertEquals(ClientRecord.MAX_VALUE, largest.counter(EmqxCounter.RECV_MSG));
        assertEquals(List.of(), largest.invalidFieldNames());
    }

    @Test
    void aCountWithAFractionIsInvalidNotRoundedDown() {
        for (Object fraction : new Object[]{7.7, "7.7", 1000.5, "0.5", new java.math.BigDecimal("3.25")}) {
            ClientRecord record = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", fraction, "subscriptions_cnt", fraction));
            assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_MSG), String.valueOf(fraction));
            assertEquals(ClientRecord.UNKNOWN, record.subscriptions(), String.valueOf(fraction));
            assertEquals(List.of("recv_msg", "subscriptions_cnt"), record.invalidFieldNames().stream().sorted().toList(),
                    String.valueOf(fraction));
        }
        for (Object whole : new Object[]{12.0, "12.0", "1e3"}) {
            ClientRecord record = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", whole));
            assertEquals(List.of(), record.invalidFieldNames(), String.valueOf(whole));
        }
    }

    @Test
    void absentAndNullValuesAreUnknownButNotInvalid() {
        Map<String, Object> row = new HashMap<>();
        row.put("clientid", "c");
        row.put("recv_msg", null);
        assertEquals(List.of(), ClientRecordParser.parse(row).invalidFieldNames());
    }

    @Test
    void aHugeNumericStringCostsNoTime() {
        String digits = "9".repeat(1_000_000);
        ClientRecord record = ClientRecordParser.parse(Map.of("clientid", "c", "recv_msg", digits, "send_msg", "1e999999999"));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.RECV_MSG));
        assertEquals(ClientRecord.UNKNOWN, record.counter(EmqxCounter.SEND_MSG));
    }

    @Test
    void aRowWithoutAStringClientidIsSkipped() {
        assertNull(ClientRecordParser.parse(Map.of("clientid", 7)));
        assertNull(ClientRecordParser.parse("not an object"));
    }

    private static ClientRecord onlyRow(String file) throws Exception {
        Map<?, ?> page = JSON.readValue(SAMPLES.resolve(file).toFile(), Map.class);
        return ClientRecordParser.parse(((List<?>) page.get("data")).get(0));
    }
}
