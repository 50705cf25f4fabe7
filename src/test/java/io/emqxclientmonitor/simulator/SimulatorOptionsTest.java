package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorOptionsTest {

    @Test
    void defaultsImitateALocalEmqx58NodeInUtcPlus8() {
        assertEquals(new SimulatorOptions("127.0.0.1", 0, "sim-key", "sim-secret", EmqxVersion.V5_8,
                ZoneOffset.ofHours(8), "emqx@127.0.0.1"), SimulatorOptions.defaults());
    }

    @Test
    void withersChangeOneThingEach() {
        SimulatorOptions options = SimulatorOptions.defaults()
                .withPort(18083)
                .withCredentials("k", "s")
                .withVersion(EmqxVersion.V5_4)
                .withNodeOffset(ZoneOffset.UTC);

        assertEquals(new SimulatorOptions("127.0.0.1", 18083, "k", "s", EmqxVersion.V5_4, ZoneOffset.UTC,
                "emqx@127.0.0.1"), options);
        assertThrows(IllegalArgumentException.class, () -> options.withPort(70_000));
    }

    @Test
    void versionsDifferInLimitAndClientIdFilter() {
        assertEquals(1000, EmqxVersion.V5_4.maxLimit());
        assertFalse(EmqxVersion.V5_4.supportsClientIdFilter());
        assertEquals(10000, EmqxVersion.V5_8.maxLimit());
        assertTrue(EmqxVersion.V5_8.supportsClientIdFilter());
    }
}
