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
 * The keystores' side of certificate issuance. A new key pair is created, and its CSR signed, inside the KeystoreService
 * where it waits for its certificate ({@link CertificateRequest#PENDING_KEYSTORE_PID}), never inside the certificate's
 * own: Kura's SslManagerService presents any key of its keystore, so a pending key there would be offered to the hub.
 * Once the chain is validated, key and chain go into the certificate's keystore in one {@code setEntry} (one change of
 * the keystore the transport presents from, so one reconnect), and the pending entry is deleted. The key itself is
 * only ever handed from one KeystoreService to the other, as a {@code KeyStore.Entry}: its material is never read
 * here.
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

    private static final String PENDING = CertificateRequest.PENDING_KEYSTORE_PID;

    private final KuraKeystores keystores;
    private final CertificateRequest request;
    private final String registrationId;
    /** Whether this run created the pending key pair, so that only then is there one to drop. */
    private boolean keyCreated;

    CertificateIssuer(KuraKeystores keystores, CertificateRequest request, String registrationId) {
        this.keystores = keystores;
        this.request = request;
        this.registrationId = registrationId;
    }

    /**
     * Makes sure both keystores are there, then creates the key pair and its CSR in the pending one.
     *
     * @throws MissingServiceException when a keystore is not registered (yet); it is created first when Kura has
     *                                 none of that name
     * @throws InvalidConfigurationException naming certificate.keystore.service.pid when the pending keystore cannot
     *                                       create the key pair or the CSR
     */
    PendingKey createKey() throws InvalidConfigurationException {
        // The certificate's keystore first: a run that could not keep its certificate must not ask for one.
        keystores.certificateKeystore(request.keystorePid, keystore -> null);
        String pending = request.pendingAlias();
        String subject = "CN=" + registrationId;
        return keystores.certificateKeystore(PENDING, keystore -> {
            try {
                keystore.createKeyPair(pending, request.keyType.algorithm, request.keyType.size,
                        request.keyType.signatureAlgorithm, subject);
            } catch (KuraException | RuntimeException e) {
                throw refused(PENDING, "cannot create a " + request.keyType.algorithm + " " + request.keyType.size
                        + "-bit key pair (" + describe(e) + "); choose another "
                        + ProvisioningConfig.F_CERTIFICATE_KEY_TYPE);
            }
            keyCreated = true;
            String pem;
            try {
                pem = keystore.getCSR(pending, new X500Principal(subject), request.keyType.signatureAlgorithm);
            } catch (KuraException | RuntimeException e) {
                throw refused(PENDING, "cannot make a certificate signing request for its new key pair ("
                        + describe(e) + ")");
            }
            try {
                return new PendingKey(CertificateSigningRequests.base64DerFromPem(pem), keyEntry(keystore, pending)
                        .getCertificate().getPublicKey());
            } catch (DpsProtocolException e) {
                throw refused(PENDING, "returned an unusable certificate signing request: " + e.problem());
            }
        });
    }

    /**
     * Puts the pending key with the validated chain under the alias of the certificate's keystore, in one write,
     * then drops the pending entry.
     */
    IssuedCertificate store(IssuedCertificateChain chain) throws InvalidConfigurationException {
        String pending = request.pendingAlias();
        KeyStore.PrivateKeyEntry key = keystores.certificateKeystore(PENDING, keystore -> keyEntry(keystore, pending));
        keystores.certificateKeystore(request.keystorePid, keystore -> {
            try {
                keystore.setEntry(request.alias, new KeyStore.PrivateKeyEntry(key.getPrivateKey(),
                        chain.certificates().toArray(new X509Certificate[0])));
            } catch (KuraException | RuntimeException e) {
                throw refused(request.keystorePid, "cannot store the issued certificate and its key under "
                        + request.alias + " (" + describe(e) + "); a keystore that takes no entries, such as Kura's "
                        + "PKCS#11 one, cannot keep it: name a file keystore (default "
                        + DpsProvisionerConfig.CERTIFICATE_KEYSTORE_DEFAULT + ")");
            }
            return null;
        });
        LOG.info("Stored the certificate DPS issued ({}) in KeystoreService {} as {}", chain, request.keystorePid,
                request.alias);
        discard();
        return new IssuedCertificate(chain.sha256Fingerprint(), chain.notAfter(), request.keystorePid,
                request.alias);
    }

    /** Drops the pending key pair this run created, if any; the certificate's keystore is not touched. */
    void discard() {
        if (!keyCreated) {
            return;
        }
        try {
            keystores.certificateKeystore(PENDING, keystore -> {
                keystore.deleteEntry(request.pendingAlias());
                return null;
            });
            keyCreated = false;
        } catch (InvalidConfigurationException | RuntimeException e) {
            // Never instead of the outcome of the run; the next run's createKeyPair replaces it anyway, and no
            // SslManagerService presents from that keystore.
            LOG.warn("Cannot delete the key pair {} from KeystoreService {} ({})", request.pendingAlias(), PENDING,
                    e instanceof InvalidConfigurationException ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private KeyStore.PrivateKeyEntry keyEntry(KeystoreService keystore, String alias)
            throws KuraException, InvalidConfigurationException {
        KeyStore.Entry entry = keystore.getEntry(alias);
        if (!(entry instanceof KeyStore.PrivateKeyEntry)) {
            throw refused(PENDING, "holds no key entry under " + alias + " after creating one");
        }
        return (KeyStore.PrivateKeyEntry) entry;
    }

    private static InvalidConfigurationException refused(String keystorePid, String problem) {
        return new InvalidConfigurationException(F_CERTIFICATE_KEYSTORE_PID, "KeystoreService " + keystorePid + " "
                + problem);
    }

    /** Kura's error code, or the exception's type: never a message that could quote key material. */
    private static String describe(Exception e) {
        return e instanceof KuraException ? String.valueOf(((KuraException) e).getCode())
                : e.getClass().getSimpleName();
    }
}
