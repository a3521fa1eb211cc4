package io.kuradps.provisioning.hub;

import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;

import io.kuradps.provisioning.transport.TrustAnchors;

/**
 * The opt-in {@code azure.root.cas}: stock Kura's SSL keystore holds only roots that expired in 2025 and its
 * SslManagerService does not fall back to the JVM's trust store, so TLS to an IoT hub fails until the roots Azure
 * uses are added. Adds the bundled roots that are still valid (DigiCert Global Root G2, Microsoft RSA Root CA 2017)
 * as trusted certificate entries, unless the keystore already trusts them under any alias.
 */
final class AzureRootCas {

    private AzureRootCas() {
    }

    /**
     * @param now roots expired at this time are not added
     * @return the aliases added (empty when every root was there already)
     */
    static List<String> addMissing(KeystoreService keystore, Date now) throws KuraException {
        List<Certificate> present = new ArrayList<>();
        for (Map.Entry<String, KeyStore.Entry> entry : keystore.getEntries().entrySet()) {
            if (entry.getValue() instanceof KeyStore.TrustedCertificateEntry) {
                present.add(((KeyStore.TrustedCertificateEntry) entry.getValue()).getTrustedCertificate());
            }
        }
        List<String> added = new ArrayList<>();
        for (X509Certificate root : TrustAnchors.bundledRoots()) {
            if (root.getNotAfter().before(now) || present.contains(root)) {
                continue;
            }
            String alias = alias(root);
            keystore.setEntry(alias, new KeyStore.TrustedCertificateEntry(root));
            added.add(alias);
        }
        return added;
    }

    /** e.g. {@code azure-digicert-global-root-g2}, from the subject's CN. */
    static String alias(X509Certificate root) {
        String subject = root.getSubjectX500Principal().getName();
        String cn = subject;
        for (String part : subject.split(",")) {
            if (part.trim().startsWith("CN=")) {
                cn = part.trim().substring(3);
            }
        }
        return "azure-" + cn.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
