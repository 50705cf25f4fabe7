package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle: how the fetch route read a page before rows became {@link ClientRow}s and bodies bytes (decode the
 * body as UTF-8 with U+FFFD replacement, Jackson's char parser, a {@code HashMap} per row). Kept test-side only.
 */
public final class OldPageReader {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(ClientsPage.MAX_NESTING_DEPTH).build())
            .build());

    private OldPageReader() {
    }

    /** The page as the old route read it (convertBodyTo Reader UTF-8, then unmarshal); null for a JSON null. */
    public static ClientsPage read(byte[] body) throws IOException {
        OldPage old = MAPPER.readerFor(OldPage.class)
                .readValue(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        return old == null ? null : old.page();
    }

    @JsonDeserialize(using = OldDeserializer.class)
    record OldPage(ClientsPage page) {
    }

    static final class OldDeserializer extends JsonDeserializer<OldPage> {
        @Override
        public OldPage deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return new OldPage(page(p));
        }
    }

    private static ClientsPage page(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new ClientsPage(null, null);
        }
        List<Object> data = null;
        Boolean hasNext = null;
        Long count = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken value = p.nextToken();
            if (field.equals("data") && value == JsonToken.START_ARRAY) {
                data = rows(p);
            } else if (field.equals("meta") && value == JsonToken.START_OBJECT) {
                for (String m = p.nextFieldName(); m != null; m = p.nextFieldName()) {
                    JsonToken token = p.nextToken();
                    if (m.equals("hasnext") && (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE)) {
                        hasNext = token == JsonToken.VALUE_TRUE;
                    } else if (m.equals("count") && token == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() >= 0) {
                        count = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new ClientsPage(data, hasNext, count);
    }

    private static List<Object> rows(JsonParser p) throws IOException {
        List<Object> rows = new ArrayList<>();
        for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
            rows.add(token == JsonToken.START_OBJECT ? row(p) : scalarOrEmpty(p, token));
        }
        return rows;
    }

    private static Map<String, Object> row(JsonParser p) throws IOException {
        Map<String, Object> row = new HashMap<>(64);
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken token = p.nextToken();
            if (ClientRecordParser.FIELDS.contains(field)) {
                row.put(field, scalarOrEmpty(p, token));
            } else {
                p.skipChildren();
            }
        }
        return row;
    }

    private static Object scalarOrEmpty(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case START_ARRAY -> {
                p.skipChildren();
                yield List.of();
            }
            case START_OBJECT -> {
                p.skipChildren();
                yield Map.of();
            }
            default -> null;
        };
    }
}
