package io.emqxclientmonitor.simulator;

import java.util.Comparator;

/**
 * Orders client ids like EMQX's {@code ordered_set} of binaries: by UTF-8 bytes. UTF-8 byte order
 * equals code point order, which differs from {@link String#compareTo} (UTF-16 units) above U+FFFF.
 */
final class ClientIdOrder {

    static final Comparator<String> UTF8_BYTES = ClientIdOrder::compare;

    private ClientIdOrder() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
