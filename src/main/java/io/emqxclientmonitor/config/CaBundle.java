package io.emqxclientmonitor.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** A CA bundle is checked when the configuration is read, not at the first poll: a readable PEM file with certificates. */
public final class CaBundle {
    private CaBundle() {
    }

    /** @throws ConfigException one line naming the setting and the file when it is not a readable PEM file of certificates */
    public static void validate(Path file, String setting) {
        int certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in).size();
        } catch (NoSuchFileException e) {
            throw new ConfigException(setting + ": cannot read the CA bundle " + file + ": no such file: give the path of a readable PEM file");
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read the CA bundle " + file + " (" + MonitoredClientsFile.oneLine(e)
                    + "): give the path of a readable PEM file");
        } catch (CertificateException e) {
            throw new ConfigException(setting + ": " + file + " is not a PEM file of certificates ("
                    + MonitoredClientsFile.oneLine(e) + "): give the PEM file of the CA that signed EMQX's certificate");
        }
        if (certificates == 0) {
            throw new ConfigException(setting + ": " + file
                    + " holds no certificate: give a PEM file with -----BEGIN CERTIFICATE----- blocks");
        }
    }
}
