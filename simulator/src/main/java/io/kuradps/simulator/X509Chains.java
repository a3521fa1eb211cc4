package io.kuradps.simulator;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Certificate checks both endpoints make: does a client chain lead to a CA, and whose is the leaf. */
final class X509Chains {

    private X509Chains() {
    }

    /** True when the chain (leaf first, the anchor itself optional) validates up to the anchor at that time. */
    static boolean chainsTo(List<X509Certificate> chain, X509Certificate anchor, Instant at) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(withoutAnchor(chain, anchor)),
                    parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The chain up to, not including, the anchor. */
    static List<X509Certificate> withoutAnchor(List<X509Certificate> chain, X509Certificate anchor) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (certificate.equals(anchor)) {
                break;
            }
            path.add(certificate);
        }
        return path;
    }

    /** The subject's CN, or null when it has none. */
    static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
