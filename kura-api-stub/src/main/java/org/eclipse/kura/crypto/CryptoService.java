package org.eclipse.kura.crypto;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** The two methods of Kura's CryptoService that password handling needs. */
@ProviderType
public interface CryptoService {

    char[] decryptAes(char[] encryptedValue) throws KuraException;

    char[] encryptAes(char[] value) throws KuraException;
}
