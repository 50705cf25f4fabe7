package io.emqxclientmonitor.state;

import io.emqxclientmonitor.config.MetricFlags;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's label sets are built only for the flags in use: under any combination of flags every family is
 * exported whole (exactly its series of the all-flags exposition) or not at all, and {@code connected} always is;
 * a label set missing for a family that needs it would leave the client's series out.
 */
class FlagCombinationsProperties {

    @Property(tries = 200, seed = "20261203")
    void everyFamilyIsWholeOrAbsentUnderAnyFlags(@ForAll @IntRange(min = 0, max = (1 << 11) - 1) int bits) {
        PollDriver driver = new PollDriver(List.of("c1", "c2"));
        driver.pollOnePage(List.of(PollDriver.row("c1", true, PollDriver.T0, "recv_msg.qos1", 3, "send_msg.dropped.expired", 2),
                PollDriver.row("c2", true, PollDriver.T0)));
        driver.pollOnePage(List.of(PollDriver.row("c1", true, PollDriver.T0.plus(Duration.ofSeconds(20)), "recv_msg.qos1", 1),
                PollDriver.row("c2", false, PollDriver.T0)));
        Map<String, String> all = families(driver.scrape(MetricFlags.ALL));
        Map<String, String> some = families(driver.scrape(flags(bits)));
        assertTrue(some.containsKey("emqx_client_monitor_connected"), "connected is always exported");
        for (Map.Entry<String, String> family : some.entrySet()) {
            assertEquals(all.get(family.getKey()), family.getValue(), family.getKey());
        }
    }

    private static MetricFlags flags(int bits) {
        boolean[] f = new boolean[11];
        for (int i = 0; i < f.length; i++) {
            f[i] = (bits & 1 << i) != 0;
        }
        return new MetricFlags(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]);
    }

    /** Per-client series by family (the name up to '{'), HELP/TYPE lines and the broker's own series left out. */
    private static Map<String, String> families(String exposition) {
        return exposition.lines().filter(line -> !line.startsWith("#") && line.contains("client_id=\""))
                .collect(Collectors.groupingBy(line -> line.substring(0, line.indexOf('{')).replaceAll("_(bucket|count|sum)$", ""),
                        LinkedHashMap::new, Collectors.joining("\n")));
    }
}
