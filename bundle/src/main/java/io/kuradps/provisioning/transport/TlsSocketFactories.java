package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the socket factory a DPS connection uses: only the given trust anchors, TLS 1.2+, optional client key. */
public final class TlsSocketFactories {

    private TlsSocketFactories() {
    }

    /**
     * @param trusted     the CA certificates the server's chain must end in (never the JVM's default set)
     * @param keyManagers the X.509 client identity, or null for symmetric-key attestation
     */
    public static SSLSocketFactory create(List<X509Certificate> trusted, KeyManager[] keyManagers)
            throws GeneralSecurityException {
        if (trusted.isEmpty()) {
            throw new GeneralSecurityException("no trusted CA certificate");
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory trust store", e);
        }
        int index = 0;
        for (X509Certificate certificate : trusted) {
            anchors.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers.getTrustManagers(), null);
        return new NoDelaySocketFactory(new Tls12PlusSocketFactory(context.getSocketFactory()));
    }
}
