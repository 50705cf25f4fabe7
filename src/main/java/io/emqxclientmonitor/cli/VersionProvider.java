package io.emqxclientmonitor.cli;

import io.emqxclientmonitor.metrics.BuildInfoCollector;
import picocli.CommandLine;

public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"emqx-client-monitor " + BuildInfoCollector.version()};
    }
}
