package io.emqxclientmonitor.events.mqtt;

import io.emqxclientmonitor.config.ConfigException;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustAllTrustManager;
import org.apache.camel.support.jsse.TrustManagersParameters;

import javax.net.SocketFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** The socket factory of an ssl:// feed: trusting a CA bundle, or nothing checked with insecure; null for the JVM's defaults. */
final class MqttTls {
    private MqttTls() {
    }

    static SocketFactory socketFactory(CamelContext context, String url, Path caFile, boolean insecure) {
        if (!url.regionMatches(true, 0, "ssl://", 0, 6) || (caFile == null && !insecure)) {
            return null;
        }
        TrustManagersParameters trust = new TrustManagersParameters();
        if (insecure) {
            trust.setTrustManager(TrustAllTrustManager.INSTANCE);
        } else {
            trust.setKeyStore(trustStore(caFile));
        }
        SSLContextParameters ssl = new SSLContextParameters();
        ssl.setTrustManagers(trust);
        try {
            return ssl.createSSLContext(context).getSocketFactory();
        } catch (Exception e) {
            throw new ConfigException("emqx.events.mqtt.ca-file " + caFile + ": cannot build a TLS context ("
                    + e.getMessage() + "): give the PEM file of the CA that signed EMQX's certificate");
        }
    }

    private static KeyStoreParameters trustStore(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException("emqx.events.mqtt.ca-file " + caFile
                        + " holds no certificate: give a PEM file with -----BEGIN CERTIFICATE----- blocks");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            KeyStoreParameters parameters = new KeyStoreParameters();
            parameters.setKeyStore(store);
            return parameters;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException("emqx.events.mqtt.ca-file " + caFile + " cannot be read as PEM certificates ("
                    + e.getMessage() + "): give the PEM file of the CA that signed EMQX's certificate");
        }
    }
}
