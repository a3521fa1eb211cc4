package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * Key managers for X.509 client authentication, from the three places a gateway keeps its device identity.
 * Exception messages name the cause but never a password.
 */
public final class ClientIdentities {

    /** A PEM private key block (any of the three encodings, or an encrypted one to be refused). */
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String[] KEY_ALGORITHMS = { "RSA", "EC" };

    private ClientIdentities() {
    }

    /** A PKCS#12 file holding the certificate chain and private key. */
    public static KeyManager[] fromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new UnrecoverableKeyException("wrong password for the PKCS#12 file " + file);
            }
            throw new IOException("cannot read the PKCS#12 file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        return keyManagers(store, password);
    }

    /** A PEM certificate file (leaf first, chain optional) and an unencrypted PEM private key. */
    public static KeyManager[] fromPem(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = TrustAnchors.readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile);
        return fromEntry(new KeyStore.PrivateKeyEntry(key, chain.toArray(new X509Certificate[0])));
    }

    private static KeyManager[] fromEntry(KeyStore.PrivateKeyEntry entry) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        // The in-memory store needs some password; nothing outside this method ever sees it.
        char[] password = "in-memory".toCharArray();
        store.setEntry("device", entry, new KeyStore.PasswordProtection(password));
        return keyManagers(store, password);
    }

    /**
     * The private key of a PEM file: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
     * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}).
     */
    static PrivateKey readPrivateKey(Path keyFile) throws IOException, GeneralSecurityException {
        String text = new String(Files.readAllBytes(keyFile), StandardCharsets.US_ASCII);
        Matcher block = PEM_KEY.matcher(text);
        if (!block.find()) {
            throw new InvalidKeySpecException("the key file " + keyFile + " holds no PEM private key block");
        }
        String type = block.group(1);
        String body = block.group(2);
        if (type.startsWith("ENCRYPTED") || body.contains("ENCRYPTED")) {
            throw new InvalidKeySpecException("the key file " + keyFile + " is encrypted; decrypt it with "
                    + "openssl pkcs8 -topk8 -nocrypt, or use a PKCS#12 file");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeySpecException("the key file " + keyFile + " is not valid base64");
        }
        switch (type) {
            case "RSA PRIVATE KEY":
                return KeyFactory.getInstance("RSA").generatePrivate(
                        new PKCS8EncodedKeySpec(TraditionalKeys.rsaToPkcs8(der)));
            case "EC PRIVATE KEY":
                return KeyFactory.getInstance("EC").generatePrivate(
                        new PKCS8EncodedKeySpec(TraditionalKeys.ecToPkcs8(der)));
            default:
                PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
                for (String algorithm : KEY_ALGORITHMS) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    } catch (InvalidKeySpecException wrongAlgorithm) {
                        // try the next algorithm
                    }
                }
                throw new InvalidKeySpecException("the key file " + keyFile + " holds neither an RSA nor an EC key");
        }
    }

    private static KeyManager[] keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }
}
