package io.kuradps.runtime.support.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;

/**
 * The keystore passwords Kura's CryptoService keeps for its KeystoreServices (runtime-support/README.md:
 * {@code CryptoServiceImpl.getKeyStorePassword}/{@code setKeyStorePassword}): by keystore path, each encrypted, in
 * {@value #FILE_NAME} under Kura's data directory, or in memory where there is none. Until anything is kept, every
 * keystore's password is {@value #KURA_DEFAULT}.
 */
final class KeystorePasswords {

    /** Kura's file, under its data directory. */
    static final String FILE_NAME = "store.save";
    /** What Kura answers while it keeps no password at all. */
    static final String KURA_DEFAULT = "changeit";

    /** Null: kept in {@link #inMemory}. */
    private final Path file;
    private final Properties inMemory = new Properties();
    private boolean anyKept;

    KeystorePasswords(Path file) {
        this.file = file;
    }

    /** @return the encrypted password kept for that path, null when none; the default while nothing is kept */
    synchronized String encrypted(String keystorePath) throws IOException {
        Properties kept = read();
        if (kept == null) {
            return null;
        }
        return kept.getProperty(keystorePath);
    }

    /** @return whether anything is kept (Kura: whether its file exists) */
    synchronized boolean anyKept() {
        return this.file == null ? this.anyKept : Files.exists(this.file);
    }

    synchronized void keep(String keystorePath, String encryptedPassword) throws KuraException {
        try {
            Properties kept = read();
            Properties updated = kept == null ? new Properties() : kept;
            updated.setProperty(keystorePath, encryptedPassword);
            if (this.file == null) {
                this.inMemory.clear();
                this.inMemory.putAll(updated);
                this.anyKept = true;
                return;
            }
            Files.createDirectories(this.file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(this.file)) {
                updated.store(out, "Keystore passwords, each encrypted; kept by the demo CryptoService");
            }
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, e, "cannot keep the password of " + keystorePath);
        }
    }

    private Properties read() throws IOException {
        if (this.file == null) {
            Properties copy = new Properties();
            copy.putAll(this.inMemory);
            return copy;
        }
        Properties kept = new Properties();
        try (InputStream in = Files.newInputStream(this.file)) {
            kept.load(in);
        } catch (NoSuchFileException none) {
            return null;
        }
        return kept;
    }
}
