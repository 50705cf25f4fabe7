package io.emqxclientmonitor.config;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Recognising a UTF-8 value that was read as ISO-8859-1, and leaving every other value alone. */
class Utf8ReadAsLatin1Properties {

    @Property(tries = 300, seed = "20261203")
    void anyTextWithNonAsciiCharactersIsReadBackAsWritten(@ForAll @StringLength(min = 1, max = 40) String written) {
        String misread = new String(written.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        Optional<String> expected = written.chars().allMatch(c -> c < 0x80) ? Optional.empty() : Optional.of(written);
        // a lone surrogate is not encodable: getBytes wrote '?' for it, and the repair gives back that text
        if (expected.isPresent() && !written.equals(new String(written.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))) {
            expected = Optional.of(new String(written.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
        assertEquals(expected, Utf8ReadAsLatin1.repaired(misread));
    }

    @Property(tries = 300, seed = "20261203")
    void textReallyWrittenInLatin1WithAnAccentNotFollowedByAContinuationByteIsLeftAlone(
            @ForAll @StringLength(min = 1, max = 20) @CharRange(from = 'a', to = 'z') String ascii,
            @ForAll @CharRange(from = '\u00c0', to = '\u00ff') char accent) {
        assertEquals(Optional.empty(), Utf8ReadAsLatin1.repaired(ascii + accent));
        assertEquals(Optional.empty(), Utf8ReadAsLatin1.repaired(accent + ascii));
    }

    @Example
    void plainAsciiAndNullAndTextBeyondLatin1AreLeftAlone() {
        assertEquals(Optional.empty(), Utf8ReadAsLatin1.repaired("qingping-DEADBEEF5678"));
        assertEquals(Optional.empty(), Utf8ReadAsLatin1.repaired(null));
        assertEquals(Optional.empty(), Utf8ReadAsLatin1.repaired("Ã¼€"));
        assertEquals(Optional.of("plant/line 1+&#%-ü"), Utf8ReadAsLatin1.repaired("plant/line 1+&#%-Ã¼"));
    }
}
