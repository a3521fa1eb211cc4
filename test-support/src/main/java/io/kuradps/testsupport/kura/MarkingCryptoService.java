package io.kuradps.testsupport.kura;

import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;

/**
 * Stands in for Kura's CryptoService where a test needs to know what "encrypted" looks like: it marks and reverses
 * instead of encrypting, so an encrypted value is never a valid key by itself, and like Kura it rejects text it did
 * not produce. It counts decryptions, so a test can tell that the code under test went through it.
 *
 * <p>The integration tests register it in the framework from their probe, which carries this package (itest's pom).
 */
public final class MarkingCryptoService implements CryptoService {

    private static final String MARK = "test-aes:";

    private final AtomicInteger decryptions = new AtomicInteger();

    /** What Kura would store for {@code value}. */
    public String encrypt(String value) {
        return MARK + new StringBuilder(value).reverse();
    }

    /** How many values were decrypted so far. */
    public int decryptions() {
        return decryptions.get();
    }

    @Override
    public char[] encryptAes(char[] value) {
        return encrypt(new String(value)).toCharArray();
    }

    @Override
    public char[] decryptAes(char[] encryptedValue) throws KuraException {
        String text = new String(encryptedValue);
        if (!text.startsWith(MARK)) {
            // Like Kura, and without the value: it may be a secret that was never encrypted.
            throw new KuraException(KuraErrorCode.DECODER_ERROR);
        }
        decryptions.incrementAndGet();
        return new StringBuilder(text.substring(MARK.length())).reverse().toString().toCharArray();
    }

    // The rest of Kura's CryptoService: no code under test calls it.

    @Override
    public String encryptAes(String value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String decryptAes(String encryptedValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String hash(String s, String algorithm) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String encodeBase64(String stringValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String decodeBase64(String encodedValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public char[] getKeyStorePassword(String keyStorePath) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setKeyStorePassword(String keyStorePath, char[] password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setKeyStorePassword(String keyStorePath, String password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isFrameworkSecure() {
        return false;
    }
}
