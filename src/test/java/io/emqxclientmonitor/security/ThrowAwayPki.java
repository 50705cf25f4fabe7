package io.emqxclientmonitor.security;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and server certificates, made with the JDK's {@code keytool} once per test
 * run (EC P-256, valid two days): a CA (its certificate as a PEM bundle, as found in a Kubernetes Secret), a
 * server certificate for 127.0.0.1/localhost signed by it, and one for another host name.
 */
final class ThrowAwayPki {
    static final String PASSWORD = "changeit";
    private static ThrowAwayPki instance;

    final Path dir;
    final Path caPem;
    /** PKCS#12 with the key and chain of a certificate for 127.0.0.1 and localhost, signed by the CA. */
    final Path server;
    /** The same CA, but a certificate for elsewhere.example only. */
    final Path otherHost;

    /** Eight keytool runs, two at a time where they do not depend on each other (a JVM start each). */
    private ThrowAwayPki(Path dir) throws Exception {
        this.dir = dir;
        Path ca = dir.resolve("ca.p12");
        caPem = dir.resolve("ca.pem");
        server = dir.resolve("server.p12");
        otherHost = dir.resolve("other.p12");
        Path csr = dir.resolve("server.csr");
        Path serverChain = dir.resolve("server-chain.pem");
        Path otherChain = dir.resolve("other-chain.pem");
        both(() -> keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=Throw-away test CA", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString()),
                () -> keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=server", "-validity", "2", "-keystore", server.toString()));
        both(() -> keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString()),
                () -> keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr.toString()));
        both(() -> keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
                        "-outfile", serverChain.toString(), "-rfc", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2"),
                () -> keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
                        "-outfile", otherChain.toString(), "-rfc", "-ext", "san=dns:elsewhere.example", "-validity", "2"));
        // the same key, two certificates: one for 127.0.0.1/localhost, one for another host; each with the CA in its chain
        Files.copy(server, otherHost);
        String caText = Files.readString(caPem);
        Files.writeString(serverChain, Files.readString(serverChain) + caText);
        Files.writeString(otherChain, Files.readString(otherChain) + caText);
        both(() -> keytool("-importcert", "-noprompt", "-alias", "server", "-file", serverChain.toString(), "-keystore", server.toString()),
                () -> keytool("-importcert", "-noprompt", "-alias", "server", "-file", otherChain.toString(), "-keystore", otherHost.toString()));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void both(Step first, Step second) throws Exception {
        java.util.concurrent.CompletableFuture<Void> other = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                second.run();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        first.run();
        other.join();
    }

    static synchronized ThrowAwayPki get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("throw-away-pki");
                dir.toFile().deleteOnExit();
                instance = new ThrowAwayPki(dir);
            } catch (Exception e) {
                throw new IllegalStateException("cannot make test certificates with keytool", e);
            }
        }
        return instance;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    /** An SSLContext serving the key and chain in {@code store}. */
    static SSLContext serverContext(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** An SSLContext trusting only the throw-away CA. */
    SSLContext clientTrustingCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
