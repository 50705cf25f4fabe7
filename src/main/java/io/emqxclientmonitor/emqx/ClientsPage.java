package io.emqxclientmonitor.emqx;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One answer of {@code GET /api/v5/clients}, read by the fetch route's {@code unmarshal} (bytes or text, see
 * {@link PageBody}): each row keeps only the fields {@link ClientRecordParser} reads (EMQX sends some 45 per
 * client), as a compact {@link ClientRow}; the rest is skipped without being built. The kept values are what
 * Jackson's untyped reading would give (String, Boolean, Integer/Long/BigInteger, Double, null; a list or object
 * where a value was expected becomes an empty one), so every row reads exactly as from a full {@code Map}. Anything that is not a row object stays as read
 * (a number, a string, null) and is skipped later. Not JSON at all: Jackson's parse error, as before.
 *
 * @param data    the rows, or null when the answer has no {@code data} list
 * @param hasNext {@code meta.hasnext}, or null when EMQX did not say (before 5.0.15)
 * @param count   {@code meta.count}, every row the query matches across all pages, or null when EMQX did not say
 *                (it is optional; absent with {@code like_*} filters) or sent something that is not a count
 */
@JsonDeserialize(using = ClientsPage.Reader.class)
public record ClientsPage(List<Object> data, Boolean hasNext, Long count) {

    /**
     * Nesting EMQX's answer may have (Jackson's default is 1,000): rows carry fields the exporter skips, and a
     * deep one must cost nothing. Skipping is iterative; the bound only caps the parser's memory per level.
     */
    public static final int MAX_NESTING_DEPTH = 100_000;

    public ClientsPage(List<Object> data, Boolean hasNext) {
        this(data, hasNext, null);
    }

    /** The mapper the fetch route reads pages with (bean {@code emqxPageJson}). */
    public static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        return new ObjectMapper(factory);
    }

    static final class Reader extends JsonDeserializer<ClientsPage> {
        @Override
        public ClientsPage deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return new ClientsPage(null, null);
            }
            List<Object> data = null;
            Meta meta = new Meta();
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken value = p.nextToken();
                if (field.equals("data") && value == JsonToken.START_ARRAY) {
                    data = rows(p);
                } else if (field.equals("meta") && value == JsonToken.START_OBJECT) {
                    meta.read(p);
                } else {
                    p.skipChildren();
                }
            }
            return new ClientsPage(data, meta.hasNext, meta.count);
        }

        private static List<Object> rows(JsonParser p) throws IOException {
            List<Object> rows = new ArrayList<>();
            for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
                rows.add(token == JsonToken.START_OBJECT ? row(p) : scalarOrEmpty(p, token));
            }
            return rows;
        }

        private static Map<String, Object> row(JsonParser p) throws IOException {
            ClientRow.Builder row = new ClientRow.Builder();
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken token = p.nextToken();
                int index = ClientRow.indexOf(field);
                if (index >= 0) {
                    row.put(index, scalarOrEmpty(p, token));
                } else {
                    p.skipChildren();
                }
            }
            return row.build();
        }

        private static final class Meta {
            Boolean hasNext;
            Long count;

            void read(JsonParser p) throws IOException {
                for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                    JsonToken token = p.nextToken();
                    if (field.equals("hasnext") && (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE)) {
                        hasNext = token == JsonToken.VALUE_TRUE;
                    } else if (field.equals("count") && token == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER && p.getLongValue() >= 0) {
                        count = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            }
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
}
