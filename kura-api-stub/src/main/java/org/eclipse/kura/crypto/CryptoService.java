package org.eclipse.kura.crypto;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import javax.crypto.BadPaddingException;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every method of Kura 5.0's CryptoService, with its checked exceptions, so that a stand-in implementation
 * compiles here only if it would compile against Kura. The bundle itself calls only the two char[] methods.
 */
@ProviderType
public interface CryptoService {

    char[] encryptAes(char[] value) throws KuraException;

    char[] decryptAes(char[] encryptedValue) throws KuraException;

    @Deprecated
    String encryptAes(String value) throws NoSuchAlgorithmException, NoSuchPaddingException, InvalidKeyException,
            IllegalBlockSizeException, BadPaddingException;

    @Deprecated
    String decryptAes(String encryptedValue) throws NoSuchAlgorithmException, NoSuchPaddingException,
            InvalidKeyException, IOException, IllegalBlockSizeException, BadPaddingException;

    /** A default method in Kura 5.0 too: implementations need not provide it. */
    default String sha1Hash(String s) throws NoSuchAlgorithmException, UnsupportedEncodingException {
        return hash(s, "SHA-1");
    }

    /** A default method in Kura 5.0 too: implementations need not provide it. */
    default String sha256Hash(String s) throws NoSuchAlgorithmException, UnsupportedEncodingException {
        return hash(s, "SHA-256");
    }

    String hash(String s, String algorithm) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    String encodeBase64(String stringValue) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    String decodeBase64(String encodedValue) throws NoSuchAlgorithmException, UnsupportedEncodingException;

    char[] getKeyStorePassword(String keyStorePath);

    void setKeyStorePassword(String keyStorePath, char[] password) throws KuraException;

    @Deprecated
    void setKeyStorePassword(String keyStorePath, String password) throws IOException;

    boolean isFrameworkSecure();
}
