package io.emqxclientmonitor.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A UTF-8 properties file read as ISO-8859-1 (Camel's default for properties files) turns {@code ü} into
 * {@code Ã¼}: a watched client id then matches nothing EMQX lists. Such a value is recognised by its bytes: taken
 * back as ISO-8859-1 they are well-formed UTF-8 with at least one multi-byte sequence. A value really written in
 * ISO-8859-1 almost never is ({@code ü} alone is the byte 0xFC, never valid UTF-8), so it is left as it is.
 */
public final class Utf8ReadAsLatin1 {
    private Utf8ReadAsLatin1() {
    }

    /** The value as its author wrote it, when it is UTF-8 that was read as ISO-8859-1; else empty. */
    public static Optional<String> repaired(String value) {
        if (value == null || value.chars().allMatch(c -> c < 0x80) || value.chars().anyMatch(c -> c > 0xFF)) {
            return Optional.empty();
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
            return Optional.of(decoded);
        } catch (CharacterCodingException notUtf8) {
            return Optional.empty();
        }
    }
}
