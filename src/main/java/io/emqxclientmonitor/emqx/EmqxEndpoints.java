package io.emqxclientmonitor.emqx;

import io.emqxclientmonitor.config.BrokerConfig;
import io.emqxclientmonitor.config.ConfigException;
import io.emqxclientmonitor.config.TlsSettings;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustAllTrustManager;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The camel-http endpoint URI of each broker's {@code /v5/clients}: timeouts and TLS trust as options,
 * credentials never (they travel in a header, so they never show in endpoint URIs or logs).
 */
public final class EmqxEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(EmqxEndpoints.class);
    private static final String NOOP_HOSTNAME_VERIFIER = "#class:org.apache.hc.client5.http.ssl.NoopHostnameVerifier";

    private final Registry registry;
    private final Map<String, String> uris = new ConcurrentHashMap<>();

    public EmqxEndpoints(Registry registry) {
        this.registry = registry;
    }

    public String clientsEndpoint(BrokerConfig broker) {
        return uris.computeIfAbsent(broker.alias() + "|" + broker.apiUrl() + "|" + broker.timeout() + "|" + broker.tls(),
                key -> build(broker));
    }

    private String build(BrokerConfig broker) {
        long millis = broker.timeout().toMillis();
        StringBuilder uri = new StringBuilder(broker.apiUrl().toString()).append("/v5/clients")
                .append("?httpMethod=GET&throwExceptionOnFailure=true&skipResponseHeaders=true")
                .append("&httpClient.responseTimeout=").append(millis)
                .append("&httpClient.connectionRequestTimeout=").append(millis)
                .append("&httpConnection.connectTimeout=").append(millis)
                .append("&httpConnection.socketTimeout=").append(millis);
        if (broker.apiUrl().getScheme().equalsIgnoreCase("https")) {
            appendTls(uri, broker);
        }
        return uri.toString();
    }

    private void appendTls(StringBuilder uri, BrokerConfig broker) {
        TlsSettings tls = broker.tls();
        if (tls.insecure()) {
            String bean = "emqxTlsTrustAll";
            if (registry.lookupByName(bean) == null) {
                SSLContextParameters trustAll = new SSLContextParameters();
                TrustManagersParameters trust = new TrustManagersParameters();
                trust.setTrustManager(TrustAllTrustManager.INSTANCE);
                trustAll.setTrustManagers(trust);
                registry.bind(bean, trustAll);
            }
            uri.append("&sslContextParameters=#").append(bean).append("&x509HostnameVerifier=").append(NOOP_HOSTNAME_VERIFIER);
        } else if (tls.caBundle() != null) {
            String bean = "emqxTls-" + broker.name();
            registry.bind(bean, trustingBundle(broker));
            uri.append("&sslContextParameters=#").append(bean);
        }
    }

    private static SSLContextParameters trustingBundle(BrokerConfig broker) {
        try (InputStream in = Files.newInputStream(broker.tls().caBundle())) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException("CA bundle " + broker.tls().caBundle() + " holds no certificate: give a PEM file with -----BEGIN CERTIFICATE----- blocks");
            }
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trustStore.setCertificateEntry("ca-" + i++, certificate);
            }
            KeyStoreParameters keyStore = new KeyStoreParameters();
            keyStore.setKeyStore(trustStore);
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(keyStore);
            SSLContextParameters ssl = new SSLContextParameters();
            ssl.setTrustManagers(trust);
            LOG.info("broker {}: trusting {} certificate(s) from {}", broker.alias(), certificates.size(), broker.tls().caBundle());
            return ssl;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException("CA bundle " + broker.tls().caBundle() + " cannot be read as PEM certificates ("
                    + e.getMessage() + "): give the PEM file of the CA that signed EMQX's certificate");
        }
    }
}
