package io.emqxclientmonitor.events.mqtt;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link TopicFilter} agrees with the MQTT 5 rules written level by level, for filters made of the characters that
 * matter ({@code a + # / $}, NUL): valid exactly when not empty, no NUL, and every level is {@code +}, {@code #} as
 * the last, or free of both.
 */
class TopicFilterProperties {

    @Provide
    Arbitrary<String> filters() {
        return Arbitraries.strings().withChars('a', '+', '#', '/', '$', '\u0000').ofMinLength(0).ofMaxLength(12);
    }

    @Property(tries = 2000, seed = "20261203")
    void validExactlyWhenEveryLevelFollowsTheRules(@ForAll("filters") String filter) {
        assertEquals(reference(filter), TopicFilter.problem(filter) == null, "'" + filter.replace("\u0000", "\\0") + "'");
    }

    private static boolean reference(String filter) {
        if (filter.isEmpty() || filter.contains("\u0000")) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        return Arrays.stream(levels).limit(levels.length - 1L).allMatch(l -> l.equals("+") || !(l.contains("+") || l.contains("#")))
                && (levels[levels.length - 1].equals("#") || levels[levels.length - 1].equals("+")
                || !(levels[levels.length - 1].contains("+") || levels[levels.length - 1].contains("#")));
    }
}
