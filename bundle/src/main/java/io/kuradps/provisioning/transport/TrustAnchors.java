package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The certificates a DPS server certificate may chain to: the DPS roots shipped in this bundle, plus an optional
 * PEM file of extra CAs (a private CA, or the simulator's).
 */
public final class TrustAnchors {

    /** DigiCert Global Root G2, Baltimore CyberTrust Root, Microsoft RSA Root CA 2017 (see the bundle README). */
    static final String[] BUNDLED_ROOTS = {
        "roots/DigiCertGlobalRootG2.pem",
        "roots/BaltimoreCyberTrustRoot.pem",
        "roots/MicrosoftRSARootCertificateAuthority2017.pem",
    };

    private TrustAnchors() {
    }

    /** The bundled DPS roots, parsed once: they cannot change while the bundle runs. */
    public static List<X509Certificate> bundledRoots() {
        return BundledRoots.ROOTS;
    }

    /** Parsed on first use, by the class loader's lock. */
    private static final class BundledRoots {
        static final List<X509Certificate> ROOTS = parseBundledRoots();
    }

    private static List<X509Certificate> parseBundledRoots() {
        List<X509Certificate> roots = new ArrayList<>();
        for (String resource : BUNDLED_ROOTS) {
            try (InputStream in = TrustAnchors.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("bundled root certificate " + resource + " is missing");
                }
                roots.addAll(parse(in));
            } catch (IOException | CertificateException e) {
                throw new IllegalStateException("bundled root certificate " + resource + " is unreadable", e);
            }
        }
        return Collections.unmodifiableList(roots);
    }

    /**
     * Every certificate in a PEM (or DER) file.
     *
     * @throws GeneralSecurityException when the file holds no certificate or a malformed one
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = parse(in);
        } catch (CertificateException e) {
            throw new CertificateException("no readable certificate in " + file + " (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no readable certificate in " + file);
        }
        return certificates;
    }

    private static List<X509Certificate> parse(InputStream in) throws CertificateException {
        Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509").generateCertificates(in);
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : parsed) {
            certificates.add((X509Certificate) certificate);
        }
        return certificates;
    }
}
