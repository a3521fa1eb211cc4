package io.kuradps.runtime.support.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;

/**
 * Stands in for Kura's CryptoService in the demo runtime: AES/GCM with the text form Kura uses,
 * {@code base64(iv)-base64(ciphertext)}, so Password values travel through ConfigAdmin encrypted as on a
 * gateway. The key is random per process, or, where snapshots must be read again after a restart, random once
 * and kept in a file under Kura's data directory ({@link #keptIn(Path, Path)}): Kura's own key is fixed per
 * installation too (built in, or the system property {@code org.eclipse.kura.core.crypto.secretKey}). Either
 * way no fixed key is in the source.
 * <p>
 * Hashing and Base64 behave as Kura's implementation does, and so does keeping keystore passwords
 * ({@link KeystorePasswords}): in a file under Kura's data directory with {@link #keptIn(Path, Path)}, else in
 * memory. Nothing in the demo uses the String forms Kura deprecated, so those methods throw
 * {@link UnsupportedOperationException}.
 * Registered by {@link io.kuradps.runtime.support.standin.StandInRegistrar}.
 */
public final class DemoCryptoService implements CryptoService {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final char SEPARATOR = '-';

    private static final String KEY_ALGORITHM = "AES";
    private static final int KEY_BITS = 256;

    private final SecureRandom random = new SecureRandom();
    private final SecretKey key;
    private final KeystorePasswords keystorePasswords;

    /** With a key of its own, lost with the process, and keystore passwords kept in memory. */
    public DemoCryptoService() throws GeneralSecurityException {
        this(newKey(), new KeystorePasswords(null));
    }

    private DemoCryptoService(SecretKey key, KeystorePasswords keystorePasswords) {
        this.key = key;
        this.keystorePasswords = keystorePasswords;
    }

    /**
     * With the key kept in that file, created with a new random key (readable by its owner only, where the file
     * system allows) when it does not exist yet, and keystore passwords kept in {@code keystorePasswordsFile} (Kura's
     * {@value KeystorePasswords#FILE_NAME} under its data directory).
     *
     * @throws IOException naming the file when it cannot be read or written, or holds no key of the right size
     */
    public static DemoCryptoService keptIn(Path keyFile, Path keystorePasswordsFile)
            throws IOException, GeneralSecurityException {
        if (!Files.exists(keyFile)) {
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            try {
                Files.write(keyFile, Base64.getEncoder().encode(newKey().getEncoded()),
                        StandardOpenOption.CREATE_NEW);
                restrictToOwner(keyFile);
            } catch (FileAlreadyExistsException raced) {
                // Another instance wrote it first: use that one.
            }
        }
        byte[] encoded;
        try {
            String text = new String(Files.readAllBytes(keyFile), StandardCharsets.US_ASCII).trim();
            encoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(keyFile + " does not hold a Base64 key");
        }
        if (encoded.length * 8 != KEY_BITS) {
            throw new IOException(keyFile + " does not hold a " + KEY_BITS + "-bit key");
        }
        return new DemoCryptoService(new SecretKeySpec(encoded, KEY_ALGORITHM),
                new KeystorePasswords(keystorePasswordsFile));
    }

    private static SecretKey newKey() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance(KEY_ALGORITHM);
        generator.init(KEY_BITS, new SecureRandom());
        return generator.generateKey();
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system: its default permissions apply.
        }
    }

    @Override
    public char[] encryptAes(char[] value) throws KuraException {
        byte[] iv = new byte[IV_BYTES];
        this.random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] ciphertext = cipher.doFinal(new String(value).getBytes(StandardCharsets.UTF_8));
            Base64.Encoder base64 = Base64.getEncoder();
            return (base64.encodeToString(iv) + SEPARATOR + base64.encodeToString(ciphertext)).toCharArray();
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.ENCODE_ERROR, e, "AES/GCM encryption failed");
        }
    }

    @Override
    public char[] decryptAes(char[] encryptedValue) throws KuraException {
        String text = new String(encryptedValue);
        int separator = text.indexOf(SEPARATOR);
        if (separator <= 0 || separator != text.lastIndexOf(SEPARATOR)) {
            throw new KuraException(KuraErrorCode.DECODER_ERROR, "value is not of the form base64(iv)-base64(ciphertext)");
        }
        try {
            Base64.Decoder base64 = Base64.getDecoder();
            byte[] iv = base64.decode(text.substring(0, separator));
            byte[] ciphertext = base64.decode(text.substring(separator + 1));
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, iv));
            return new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8).toCharArray();
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // The cause may quote the input; the message must not, since the input is a secret.
            throw new KuraException(KuraErrorCode.DECODER_ERROR, "value was not encrypted by this CryptoService");
        }
    }

    /** As Kura's: the digest of the UTF-8 bytes, in Base64. */
    @Override
    public String hash(String s, String algorithm) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public String encodeBase64(String stringValue) {
        return stringValue == null ? null
                : Base64.getEncoder().encodeToString(stringValue.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String decodeBase64(String encodedValue) {
        return encodedValue == null ? null
                : new String(Base64.getDecoder().decode(encodedValue), StandardCharsets.UTF_8);
    }

    /** Kura's own implementation answers false too: its key is not protected by the platform. */
    @Override
    public boolean isFrameworkSecure() {
        return false;
    }

    @Override
    @Deprecated
    public String encryptAes(String value) {
        throw notInTheDemo("the deprecated encryptAes(String); use encryptAes(char[])");
    }

    @Override
    @Deprecated
    public String decryptAes(String encryptedValue) {
        throw notInTheDemo("the deprecated decryptAes(String); use decryptAes(char[])");
    }

    /**
     * As Kura: {@value KeystorePasswords#KURA_DEFAULT} while no password is kept at all, else the one kept for that
     * path (null when none is, or it does not decrypt).
     */
    @Override
    public char[] getKeyStorePassword(String keyStorePath) {
        if (!this.keystorePasswords.anyKept()) {
            return KeystorePasswords.KURA_DEFAULT.toCharArray();
        }
        try {
            String encrypted = this.keystorePasswords.encrypted(keyStorePath);
            return encrypted == null ? null : decryptAes(encrypted.toCharArray());
        } catch (IOException | KuraException e) {
            return null;
        }
    }

    @Override
    public void setKeyStorePassword(String keyStorePath, char[] password) throws KuraException {
        this.keystorePasswords.keep(keyStorePath, new String(encryptAes(password)));
    }

    @Override
    @Deprecated
    public void setKeyStorePassword(String keyStorePath, String password) throws IOException {
        try {
            setKeyStorePassword(keyStorePath, password.toCharArray());
        } catch (KuraException e) {
            throw new IOException(e);
        }
    }

    private static UnsupportedOperationException notInTheDemo(String what) {
        return new UnsupportedOperationException("DemoCryptoService does not offer " + what);
    }
}
