package io.kuradps.provisioning.hub;

import java.util.Optional;

import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * What the TLS side of the transport needs before it is written, decided with the rest of the write
 * ({@link TransportPlan}) and carried out by {@link TransportTls}: nothing; checking that the X.509 enrollment's
 * SslManagerService presents the device key and no other; setting up the SslManagerService over the keystore of the
 * certificate DPS issued; and with any of them, adding the Azure root CAs to the keystore of that SslManagerService.
 * Immutable.
 */
final class TlsPlan {

    enum Step {
        /** A SAS token: the transport's SslManagerService is used as it is. */
        NONE,
        /** An X.509 enrollment: its SslManagerService must present the device key and no other. */
        CHECK_ENROLLMENT_KEY,
        /** An issued certificate: its keystore must hold that key only, with an SslManagerService over it. */
        SET_UP_ISSUED
    }

    /** The suffix of the SslManagerService the hub link creates over an issued certificate's keystore. */
    static final String DEDICATED_SSL_MANAGER_SUFFIX = "-SslManagerService";

    private final Step step;
    private final String sslManagerTarget;
    private final IssuedCertificate certificate;
    private final String dedicatedSslManager;
    private final boolean addAzureRoots;

    private TlsPlan(Step step, String sslManagerTarget, IssuedCertificate certificate, String dedicatedSslManager,
            boolean addAzureRoots) {
        this.step = step;
        this.sslManagerTarget = sslManagerTarget;
        this.certificate = certificate;
        this.dedicatedSslManager = dedicatedSslManager;
        this.addAzureRoots = addAzureRoots;
    }

    /** A SAS token over the SslManagerService this target selects; with {@code addAzureRoots}, to its keystore. */
    static TlsPlan sasToken(String sslManagerTarget, boolean addAzureRoots) {
        return new TlsPlan(Step.NONE, sslManagerTarget, null, null, addAzureRoots);
    }

    /** An X.509 enrollment presented by the SslManagerService this target selects. */
    static TlsPlan enrollment(String sslManagerTarget, boolean addAzureRoots) {
        return new TlsPlan(Step.CHECK_ENROLLMENT_KEY, sslManagerTarget, null, null, addAzureRoots);
    }

    /**
     * An issued certificate, presented by the SslManagerService over its keystore: the one bound there already (an
     * integrator's own, used as it is), else {@code <keystore>-SslManagerService}, which the hub link creates or
     * points at the keystore.
     *
     * @param boundSslManager the kura.service.pid of an SslManagerService bound over the certificate's keystore
     */
    static TlsPlan issued(IssuedCertificate certificate, Optional<String> boundSslManager, boolean addAzureRoots) {
        String dedicated = boundSslManager.isPresent() ? null
                : certificate.keystoreServicePid() + DEDICATED_SSL_MANAGER_SUFFIX;
        return new TlsPlan(Step.SET_UP_ISSUED, KuraReferences.target(boundSslManager.orElse(dedicated)), certificate,
                dedicated, addAzureRoots);
    }

    Step step() {
        return step;
    }

    /** The SslManagerService the transport uses: the one it names now; for an issued certificate, the one it gets. */
    String sslManagerTarget() {
        return sslManagerTarget;
    }

    /** The issued certificate; present for {@link Step#SET_UP_ISSUED} only. */
    Optional<IssuedCertificate> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** The SslManagerService the hub link must create or point at the issued certificate's keystore, if any. */
    Optional<String> dedicatedSslManager() {
        return Optional.ofNullable(dedicatedSslManager);
    }

    boolean addAzureRoots() {
        return addAzureRoots;
    }

    @Override
    public String toString() {
        return "TlsPlan[" + step + ", " + sslManagerTarget + (dedicatedSslManager == null ? ""
                : ", dedicated " + dedicatedSslManager) + (addAzureRoots ? ", add the Azure roots" : "") + "]";
    }
}
