package io.emqxclientmonitor.config;

import java.nio.file.Path;

/**
 * How the exporter trusts EMQX's certificate: the JVM's trust store by default, an extra PEM bundle
 * (as mounted from a Kubernetes Secret), or nothing at all when {@code insecure} is asked for.
 */
public record TlsSettings(Path caBundle, boolean insecure) {
    public static final TlsSettings VERIFY_WITH_SYSTEM_TRUST = new TlsSettings(null, false);
}
