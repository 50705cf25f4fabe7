package io.emqxclientmonitor.metrics;

import io.prometheus.metrics.model.snapshots.Labels;

/** {@code emqx_client_monitor_build_info{version="…"} 1}. */
public final class BuildInfoCollector extends InfoCollector {
    public BuildInfoCollector(String version) {
        super("emqx_client_monitor_build", "Version of the running emqx-client-monitor; always 1", Labels.of("version", version));
    }

    public static String version() {
        String version = BuildInfoCollector.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
