package io.kuradps.runtime.support.crypto;

import java.io.IOException;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Kura's CryptoService component ({@value #COMPONENT_NAME}) for a runtime without Kura: the {@link DemoCryptoService},
 * with its key (and the keystore passwords it keeps) under Kura's data directory when {@code kura.data} is set, so
 * encrypted values and snapshots outlive a restart; a key of its own otherwise. A component of its own, as Kura's is
 * (its own bundle there), so that it can leave before an add-on does, as it does at a Kura shutdown
 * ({@link io.kuradps.runtime.support.standin.StandInRegistrar}).
 */
@Component(name = StandInCryptoService.COMPONENT_NAME, enabled = false, immediate = true,
        service = CryptoService.class, property = Constants.SERVICE_PID + "=" + StandInCryptoService.COMPONENT_NAME)
public final class StandInCryptoService implements CryptoService {

    /** Kura's component name and service.pid. */
    public static final String COMPONENT_NAME = "org.eclipse.kura.crypto.CryptoService";
    /** Under Kura's data directory. */
    public static final String KEY_FILE = "security/demo-crypto.key";

    private DemoCryptoService delegate;

    @Activate
    void activate(BundleContext context) throws GeneralSecurityException, IOException {
        this.delegate = of(context.getProperty(SystemService.KEY_KURA_DATA_DIR));
    }

    /** The demo CryptoService for that Kura data directory (null: none, a key lost with the process). */
    public static DemoCryptoService of(String dataDirectory) throws GeneralSecurityException, IOException {
        return dataDirectory == null ? new DemoCryptoService()
                : DemoCryptoService.keptIn(Paths.get(dataDirectory, KEY_FILE),
                        Paths.get(dataDirectory, KeystorePasswords.FILE_NAME));
    }

    @Override
    public char[] encryptAes(char[] value) throws KuraException {
        return this.delegate.encryptAes(value);
    }

    @Override
    public char[] decryptAes(char[] encryptedValue) throws KuraException {
        return this.delegate.decryptAes(encryptedValue);
    }

    @Override
    @Deprecated
    public String encryptAes(String value) {
        return this.delegate.encryptAes(value);
    }

    @Override
    @Deprecated
    public String decryptAes(String encryptedValue) {
        return this.delegate.decryptAes(encryptedValue);
    }

    @Override
    public String hash(String s, String algorithm) throws NoSuchAlgorithmException {
        return this.delegate.hash(s, algorithm);
    }

    @Override
    public String encodeBase64(String stringValue) {
        return this.delegate.encodeBase64(stringValue);
    }

    @Override
    public String decodeBase64(String encodedValue) {
        return this.delegate.decodeBase64(encodedValue);
    }

    @Override
    public char[] getKeyStorePassword(String keyStorePath) {
        return this.delegate.getKeyStorePassword(keyStorePath);
    }

    @Override
    public void setKeyStorePassword(String keyStorePath, char[] password) throws KuraException {
        this.delegate.setKeyStorePassword(keyStorePath, password);
    }

    @Override
    @Deprecated
    public void setKeyStorePassword(String keyStorePath, String password) throws IOException {
        this.delegate.setKeyStorePassword(keyStorePath, password);
    }

    @Override
    public boolean isFrameworkSecure() {
        return this.delegate.isFrameworkSecure();
    }
}
