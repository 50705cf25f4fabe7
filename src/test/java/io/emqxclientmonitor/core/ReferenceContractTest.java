package io.emqxclientmonitor.core;

import io.emqxclientmonitor.simulator.EmqxSimulator;
import io.emqxclientmonitor.simulator.Fleet;
import io.emqxclientmonitor.simulator.SimulatorOptions;
import io.emqxclientmonitor.simulator.SteppedClock;
import io.emqxclientmonitor.support.Fleets;
import io.emqxclientmonitor.support.RunningExporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference exporter's README example (src/test/resources/reference-exporter-example.prom) is the metric
 * contract: for the same client, every one of its families must come out with the same name, type and label sets.
 */
class ReferenceContractTest {

    @Test
    void everyReferenceFamilyHasTheSameNameTypeAndLabelSets() throws Exception {
        Map<String, Family> reference = families(Files.readString(Path.of("src/test/resources/reference-exporter-example.prom")));
        Map<String, Family> ours = families(scrapeWithAllFlags());
        for (Map.Entry<String, Family> family : reference.entrySet()) {
            assertEquals(family.getValue(), ours.get(family.getKey()), "family " + family.getKey());
        }
        assertEquals(11, reference.size());
    }

    private record Family(String type, Set<String> labelSets) {
    }

    private static Map<String, Family> families(String exposition) {
        Map<String, String> types = new TreeMap<>();
        Map<String, Set<String>> labelSets = new TreeMap<>();
        for (String line : exposition.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && line.contains("{")) {
                String name = line.substring(0, line.indexOf('{'));
                labelSets.computeIfAbsent(name, k -> new TreeSet<>()).add(line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1));
            }
        }
        Map<String, Family> families = new TreeMap<>();
        types.forEach((name, type) -> families.put(name, new Family(type, labelSets.getOrDefault(name, Set.of()))));
        return families;
    }

    private static String scrapeWithAllFlags() {
        SteppedClock clock = new SteppedClock(Fleets.START);
        Fleet fleet = new Fleet(clock);
        fleet.add("qingping-DEADBEEF5678").subscriptions(1).publish(10, 0, 100).deliver(2, 0, 10);
        try (EmqxSimulator emqx = new EmqxSimulator(fleet, SimulatorOptions.defaults()).start()) {
            Map<String, String> properties = RunningExporter.defaults(emqx);
            properties.put("emqx.clients", "QingpingCO2_Room2=qingping-DEADBEEF5678");
            for (String flag : new String[]{"qos-split", "dropped-counters", "reason-split", "dates"}) {
                properties.put("metrics.enable-" + flag, "true");
            }
            try (RunningExporter exporter = RunningExporter.start(properties, clock)) {
                exporter.pollNow();
                return exporter.scrape();
            }
        }
    }
}
