package io.kuradps.simulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A device certificate issued by the simulator's CA for X.509 tests: subject CN = registration id. Offered as
 * PKCS#12 (certificate chain + key, alias {@value #ALIAS}) and as PEM. Secrets stay out of {@link #toString()}.
 */
public final class DeviceIdentity {

    /** The key entry's alias in the PKCS#12 store. */
    public static final String ALIAS = "device";

    private final String registrationId;
    private final String certificatePem;
    private final String privateKeyPem;
    private final String caCertificatePem;
    private final byte[] pkcs12;
    private final char[] password;

    private DeviceIdentity(String registrationId, String certificatePem, String privateKeyPem,
            String caCertificatePem, byte[] pkcs12, char[] password) {
        this.registrationId = registrationId;
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
        this.caCertificatePem = caCertificatePem;
        this.pkcs12 = pkcs12;
        this.password = password;
    }

    static DeviceIdentity of(String registrationId, CertificateAuthority.IssuedCertificate issued) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, issued.key(), password,
                    new Certificate[] {issued.certificate(), issued.issuer()});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return new DeviceIdentity(registrationId, Pem.encode(issued.certificate()), Pem.encode(issued.key()),
                    Pem.encode(issued.issuer()), out.toByteArray(), password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the PKCS#12 store for " + registrationId, e);
        }
    }

    public String registrationId() {
        return registrationId;
    }

    /** The device certificate (leaf only). */
    public String certificatePem() {
        return certificatePem;
    }

    /** The device's private key, PKCS#8 PEM. */
    public String privateKeyPem() {
        return privateKeyPem;
    }

    /** The CA certificate that signed the device certificate. */
    public String caCertificatePem() {
        return caCertificatePem;
    }

    /** PKCS#12 bytes: key entry {@value #ALIAS} with the chain device, CA. */
    public byte[] pkcs12() {
        return pkcs12.clone();
    }

    /** The PKCS#12 store's and key's password. */
    public char[] password() {
        return password.clone();
    }

    /** The PKCS#12 store, loaded. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(pkcs12), password);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the PKCS#12 store of " + registrationId, e);
        }
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + registrationId + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceIdentity that && Arrays.equals(pkcs12, that.pkcs12);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pkcs12);
    }
}
