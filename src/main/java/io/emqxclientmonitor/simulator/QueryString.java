package io.emqxclientmonitor.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a raw query string the way Cowboy's {@code cow_qs:parse_qs} does: pairs separated by
 * {@code &}, {@code +} decodes to a space, {@code %XX} to a byte, and the bytes are UTF-8.
 */
final class QueryString {

    /** One decoded pair; {@code value} is null for a bare key without {@code =}. */
    record Param(String name, String value) {
    }

    private QueryString() {
    }

    /**
     * @param rawQuery the query as received, without {@code ?}; null or empty for none
     * @throws IllegalArgumentException on a malformed percent escape
     */
    static List<Param> parse(String rawQuery) {
        List<Param> params = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                params.add(new Param(decode(pair), null));
            } else {
                params.add(new Param(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1))));
            }
        }
        return params;
    }

    static List<String> values(List<Param> params, String name) {
        List<String> values = new ArrayList<>();
        for (Param p : params) {
            if (p.name().equals(name)) {
                values.add(p.value());
            }
        }
        return values;
    }

    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated percent escape in " + encoded);
                }
                bytes.write(hexDigit(encoded.charAt(i + 1)) * 16 + hexDigit(encoded.charAt(i + 2)));
                i += 2;
            } else {
                int codePoint = encoded.codePointAt(i);
                byte[] raw = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hexDigit(char c) {
        int d = Character.digit(c, 16);
        if (d < 0) {
            throw new IllegalArgumentException("bad percent escape digit: " + c);
        }
        return d;
    }
}
