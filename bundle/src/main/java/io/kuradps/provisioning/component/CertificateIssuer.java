package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.ProvisioningConfig.F_CERTIFICATE_KEYSTORE_PID;

import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

import javax.security.auth.x500.X500Principal;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.protocol.CertificateSigningRequests;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.IssuedCertificateChain;

/**
 * The keystore's side of certificate issuance. The KeystoreService creates the key pair (under the pending alias,
 * so the certificate in force stays usable) and signs the CSR itself; the key is only ever handed back to the same
 * KeystoreService, paired with the validated chain, the way a PKCS#11 key handle is: its material is never read.
 */
final class CertificateIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateIssuer.class);

    /** A key pair created for one registration, waiting for its certificate. */
    static final class PendingKey {
        /** The csr field's value: base64 DER PKCS#10, CN = the registration id. */
        final String csr;
        /** The key the issued leaf must carry. */
        final PublicKey publicKey;

        PendingKey(String csr, PublicKey publicKey) {
            this.csr = csr;
            this.publicKey = publicKey;
        }
    }

    private final KuraKeystores keystores;
    private final CertificateRequest request;
    private final String registrationId;

    CertificateIssuer(KuraKeystores keystores, CertificateRequest request, String registrationId) {
        this.keystores = keystores;
        this.request = request;
        this.registrationId = registrationId;
    }

    /**
     * @throws InvalidConfigurationException naming certificate.keystore.service.pid when the KeystoreService is
     *                                       missing or cannot create the key pair or the CSR
     */
    PendingKey createKey() throws InvalidConfigurationException {
        String pending = request.pendingAlias();
        String subject = "CN=" + registrationId;
        return keystores.certificateKeystore(request.keystorePid, keystore -> {
            try {
                keystore.createKeyPair(pending, request.keyType.algorithm, request.keyType.size,
                        request.keyType.signatureAlgorithm, subject);
            } catch (KuraException | RuntimeException e) {
                throw refused("cannot create a " + request.keyType.algorithm + " " + request.keyType.size
                        + "-bit key pair (" + describe(e) + "); choose a KeystoreService that can, or another "
                        + ProvisioningConfig.F_CERTIFICATE_KEY_TYPE);
            }
            String pem;
            try {
                pem = keystore.getCSR(pending, new X500Principal(subject), request.keyType.signatureAlgorithm);
            } catch (KuraException | RuntimeException e) {
                throw refused("cannot make a certificate signing request for its new key pair (" + describe(e)
                        + ")");
            }
            try {
                return new PendingKey(CertificateSigningRequests.base64DerFromPem(pem), keyEntry(keystore, pending)
                        .getCertificate().getPublicKey());
            } catch (DpsProtocolException e) {
                throw refused("returned an unusable certificate signing request: " + e.problem());
            }
        });
    }

    /** Replaces the entry under the alias with the pending key and the validated chain, then drops the pending one. */
    IssuedCertificate store(IssuedCertificateChain chain) throws InvalidConfigurationException {
        String pending = request.pendingAlias();
        keystores.certificateKeystore(request.keystorePid, keystore -> {
            KeyStore.PrivateKeyEntry key = keyEntry(keystore, pending);
            try {
                keystore.setEntry(request.alias, new KeyStore.PrivateKeyEntry(key.getPrivateKey(),
                        chain.certificates().toArray(new X509Certificate[0])));
            } catch (KuraException | RuntimeException e) {
                throw refused("cannot store the issued certificate under " + request.alias + " (" + describe(e)
                        + ")");
            }
            keystore.deleteEntry(pending);
            return null;
        });
        LOG.info("Stored the certificate DPS issued ({}) in KeystoreService {} as {}", chain, request.keystorePid,
                request.alias);
        return new IssuedCertificate(chain.sha256Fingerprint(), chain.notAfter(), request.keystorePid,
                request.alias);
    }

    /** Drops the pending key pair of a run that got no usable certificate; the entry in force is not touched. */
    void discard() {
        try {
            keystores.certificateKeystore(request.keystorePid, keystore -> {
                keystore.deleteEntry(request.pendingAlias());
                return null;
            });
        } catch (InvalidConfigurationException | RuntimeException e) {
            // Never instead of the failure that ended the run; the next run's createKeyPair replaces it anyway.
            LOG.warn("Cannot delete the unused key pair {} ({})", request.pendingAlias(),
                    e instanceof InvalidConfigurationException ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private KeyStore.PrivateKeyEntry keyEntry(KeystoreService keystore, String alias)
            throws KuraException, InvalidConfigurationException {
        KeyStore.Entry entry = keystore.getEntry(alias);
        if (!(entry instanceof KeyStore.PrivateKeyEntry)) {
            throw refused("holds no key entry under " + alias + " after creating one");
        }
        return (KeyStore.PrivateKeyEntry) entry;
    }

    private InvalidConfigurationException refused(String problem) {
        return new InvalidConfigurationException(F_CERTIFICATE_KEYSTORE_PID,
                "KeystoreService " + request.keystorePid + " " + problem);
    }

    /** Kura's error code, or the exception's type: never a message that could quote key material. */
    private static String describe(Exception e) {
        return e instanceof KuraException ? String.valueOf(((KuraException) e).getCode())
                : e.getClass().getSimpleName();
    }
}
