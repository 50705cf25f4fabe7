package io.emqxclientmonitor.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetTest {

    private final SteppedClock clock = new SteppedClock(Instant.parse("2024-01-01T00:00:00Z"));

    @Test
    void bulkFleetIdsArePrefixPlusZeroPaddedNumberOfExactLength() {
        Fleet fleet = Fleet.connected(clock, "dev-", 3, 10);

        assertEquals(List.of("dev-000000", "dev-000001", "dev-000002"), fleet.clientIds());
        assertEquals(3, fleet.size());
        assertTrue(fleet.client("dev-000001").connected());
    }

    @Test
    void aTooLongPrefixIsCutToLeaveRoomForTheNumber() {
        Fleet fleet = Fleet.connected(clock, "a-very-long-prefix-", 12, 8);

        assertEquals("a-very00", fleet.clientIds().get(0));
        assertEquals("a-very11", fleet.clientIds().get(11));
        fleet.clientIds().forEach(id -> assertEquals(8, id.length()));
    }

    @Test
    void idsTooShortForTheNumberAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fleet.connected(clock, "x", 100, 1));
    }

    @Test
    void theFleetShareItsClockWithItsClients() {
        Fleet fleet = new Fleet(clock);
        clock.advance(Duration.ofSeconds(42));

        assertEquals(Instant.parse("2024-01-01T00:00:42Z"), fleet.add("a").connectedAt());
        assertEquals(clock, fleet.clock());
    }

    @Test
    void steppedClockOnlyMovesWhenTold() {
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), clock.instant());
        clock.advance(Duration.ofMillis(1500));
        assertEquals(Instant.parse("2024-01-01T00:00:01.500Z"), clock.instant());
        clock.set(Instant.parse("2030-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), clock.withZone(java.time.ZoneId.of("Europe/Paris")).instant());
    }
}
