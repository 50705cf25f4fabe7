package io.emqxclientmonitor.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** {@code emqx_client_monitor_build_info{version="…"} 1}. */
public final class BuildInfoCollector implements Collector {
    private final InfoSnapshot snapshot;

    public BuildInfoCollector(String version) {
        snapshot = InfoSnapshot.builder()
                .name("emqx_client_monitor_build")
                .help("Version of the running emqx-client-monitor; always 1")
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                        .labels(Labels.of("version", version))
                        .build())
                .build();
    }

    @Override
    public MetricSnapshot collect() {
        return snapshot;
    }

    @Override
    public String getPrometheusName() {
        return "emqx_client_monitor_build_info";
    }

    public static String version() {
        String version = BuildInfoCollector.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
