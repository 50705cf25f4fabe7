package io.emqxclientmonitor.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static io.emqxclientmonitor.deploy.DeployKit.EXPORTER_METRICS;
import static io.emqxclientmonitor.deploy.DeployKit.ROOT;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The metric names the alerts and the dashboard are checked against (DeployKit.EXPORTER_METRICS) are the ones
 * the exporter really writes: every one of them occurs in the exporter's golden exposition with all metric
 * flags on (src/test/resources/golden/metrics-all-flags.txt, pinned by the exporter's own tests).
 */
class MetricContractTest {

    static final Path GOLDEN = ROOT.resolve("src/test/resources/golden/metrics-all-flags.txt");

    @Test
    void everyMetricTheDeployKitUsesIsExposed() {
        assumeTrue(Files.isRegularFile(GOLDEN), "no golden exposition " + GOLDEN);
        Set<String> exposed = new TreeSet<>();
        for (String line : DeployKit.read(GOLDEN).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> missing = new TreeSet<>(EXPORTER_METRICS);
        missing.removeAll(exposed);
        assertTrue(missing.isEmpty(), "metrics the deploy kit relies on but the exporter does not expose: " + missing);
    }
}
