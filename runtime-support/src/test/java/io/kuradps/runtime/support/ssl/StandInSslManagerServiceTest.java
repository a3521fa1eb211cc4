package io.kuradps.runtime.support.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.runtime.support.crypto.DemoCryptoService;

/**
 * Kura 5.5's SslManagerService as the stand-in reproduces it, checked with real TLS handshakes against a local
 * server that asks for a client certificate: the key presented is any key of the keystore (the alias is ignored);
 * trust comes from the truststore when one is bound; every listener hears a change.
 */
class StandInSslManagerServiceTest {

    private static final Map<String, Object> CONFIGURATION = Map.of("ssl.default.protocol", "TLSv1.2");

    @TempDir
    Path directory;

    private final DemoCryptoService crypto = new DemoCryptoService();
    private final KeyPair serverKey;
    private final X509Certificate serverCertificate;

    StandInSslManagerServiceTest() throws Exception {
        this.serverKey = ecKeyPair();
        this.serverCertificate = KeyPairCertificates.selfSigned(this.serverKey, "SHA256withECDSA", "CN=hub");
    }

    private StandInKeystoreService keystore(String pid) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("keystore.path", this.directory.resolve(pid + ".ks").toString());
        properties.put("keystore.password", "changeit");
        properties.put("kura.service.pid", pid);
        return new StandInKeystoreService(this.crypto, properties);
    }

    private void trustTheServer(StandInKeystoreService keystore) throws Exception {
        keystore.setEntry("hub-ca", new KeyStore.TrustedCertificateEntry(this.serverCertificate));
    }

    /**
     * A renewal's moment: the key in force ({@code device}) and the pending one beside it. Whichever the server's
     * accepted issuers point at is presented, whatever alias the caller names.
     */
    @Test
    void anyKeyOfTheKeystoreIsPresentedTheAliasIsIgnored() throws Exception {
        StandInKeystoreService keystore = keystore("DeviceKeystore");
        trustTheServer(keystore);
        keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=device");
        keystore.createKeyPair("device.pending", "EC", 256, "SHA256withECDSA", "CN=pending");
        StandInSslManagerService ssl = new StandInSslManagerService(keystore, "DeviceKeystore", null, CONFIGURATION);
        X509Certificate pending = certificate(keystore, "device.pending");
        X509Certificate inForce = certificate(keystore, "device");

        assertThat(presented(ssl, "device", pending)).isEqualTo(pending);
        assertThat(presented(ssl, "device.pending", inForce)).isEqualTo(inForce);
    }

    @Test
    void trustComesFromTheTruststoreWhileOneIsBoundElseFromTheKeystore() throws Exception {
        StandInKeystoreService keys = keystore("DeviceKeystore");
        keys.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=device");
        StandInKeystoreService truststore = keystore("SSLKeystore");
        trustTheServer(truststore);
        StandInSslManagerService ssl = new StandInSslManagerService(keys, "DeviceKeystore", null, CONFIGURATION);
        X509Certificate device = certificate(keys, "device");
        assertThatThrownBy(() -> presented(ssl, "device", device)).hasCauseInstanceOf(SSLException.class);

        ssl.setTruststoreKeystoreService(truststore, Map.of("kura.service.pid", "SSLKeystore"));
        assertThat(presented(ssl, "device", device)).isEqualTo(device);

        ssl.unsetTruststoreKeystoreService(truststore);
        assertThatThrownBy(() -> presented(ssl, "device", device)).hasCauseInstanceOf(SSLException.class);
    }

    @Test
    void aKeystoreChangedEventOfTheKeystoreOrTheTruststoreTellsEveryListener() throws Exception {
        StandInSslManagerService ssl = new StandInSslManagerService(keystore("DeviceKeystore"), "DeviceKeystore",
                null, CONFIGURATION);
        ssl.setTruststoreKeystoreService(keystore("SSLKeystore"), Map.of("kura.service.pid", "SSLKeystore"));
        List<String> told = new ArrayList<>();
        ssl.addListener(() -> told.add("transport A"));
        ssl.addListener(() -> {
            throw new IllegalStateException("SSL setup failed");
        });
        ssl.addListener(() -> told.add("transport B"));

        ssl.handleEvent(new org.eclipse.kura.security.keystore.KeystoreChangedEvent("HttpsKeystore"));
        assertThat(told).isEmpty();
        ssl.handleEvent(new org.eclipse.kura.security.keystore.KeystoreChangedEvent("SSLKeystore"));
        ssl.handleEvent(new org.eclipse.kura.security.keystore.KeystoreChangedEvent("DeviceKeystore"));

        assertThat(told).containsExactly("transport A", "transport B", "transport A", "transport B");
    }

    /** As Kura's SSLSocketFactoryWrapper: no Nagle, whether Paho makes the socket unconnected or connected. */
    @Test
    void everySocketOfItsFactoryHasNagleOff() throws Exception {
        StandInKeystoreService keystore = keystore("SSLKeystore");
        keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=device");
        StandInSslManagerService ssl = new StandInSslManagerService(keystore, "SSLKeystore", null, CONFIGURATION);
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket unconnected = ssl.getSSLSocketFactory().createSocket();
                Socket connected = ssl.getSSLSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                        listening.getLocalPort())) {
            assertThat(unconnected.getTcpNoDelay()).isTrue();
            assertThat(connected.getTcpNoDelay()).isTrue();
        }
    }

    private static X509Certificate certificate(StandInKeystoreService keystore, String alias) throws Exception {
        return (X509Certificate) ((KeyStore.PrivateKeyEntry) keystore.getEntry(alias)).getCertificate();
    }

    /**
     * Connects with the SslManagerService's socket factory for {@code alias} to a local TLS server that asks for a
     * client certificate issued by {@code acceptedIssuer}; returns the one presented.
     */
    private Certificate presented(StandInSslManagerService ssl, String alias, X509Certificate acceptedIssuer)
            throws Exception {
        SSLContext server = SSLContext.getInstance("TLSv1.2");
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("hub", this.serverKey.getPrivate(), "x".toCharArray(),
                new Certificate[] { this.serverCertificate });
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(serverKeys, "x".toCharArray());
        server.init(keyManagers.getKeyManagers(), new TrustManager[] { acceptingIssuedBy(acceptedIssuer) }, null);
        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listening.setNeedClientAuth(true);
            CompletableFuture<Certificate> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listening.accept()) {
                    accepted.startHandshake();
                    return accepted.getSession().getPeerCertificates()[0];
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket client = ssl.getSSLSocketFactory(alias).createSocket(InetAddress.getLoopbackAddress(),
                    listening.getLocalPort())) {
                ((SSLSocket) client).startHandshake();
                return seen.get(10, TimeUnit.SECONDS);
            } catch (SSLException e) {
                throw new IllegalStateException("the handshake failed", e);
            }
        }
    }

    /** Takes any client certificate, but names {@code issuer} as the one it accepts, as a hub names its CAs. */
    private static X509TrustManager acceptingIssuedBy(X509Certificate issuer) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("a server only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] { issuer };
            }
        };
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }
}
