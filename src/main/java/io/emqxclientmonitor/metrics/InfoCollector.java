package io.emqxclientmonitor.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * A constant {@code <name>_info{…} 1} family: a gauge in the text format, an info metric in OpenMetrics, its labels
 * fixed when the exporter starts.
 */
abstract class InfoCollector implements Collector {
    private final String prometheusName;
    private final InfoSnapshot snapshot;

    /** @param name the family's name without {@code _info} */
    InfoCollector(String name, String help, Labels labels) {
        this.prometheusName = name + "_info";
        this.snapshot = InfoSnapshot.builder().name(name).help(help)
                .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build())
                .build();
    }

    @Override
    public MetricSnapshot collect() {
        return snapshot;
    }

    @Override
    public String getPrometheusName() {
        return prometheusName;
    }
}
