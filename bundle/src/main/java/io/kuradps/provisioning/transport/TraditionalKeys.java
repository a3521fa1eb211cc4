package io.kuradps.provisioning.transport;

import java.io.ByteArrayOutputStream;
import java.security.spec.InvalidKeySpecException;

/**
 * Wraps the "traditional" OpenSSL key encodings in PKCS#8, the one the JDK's KeyFactory reads: PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, from {@code openssl genrsa} before 3.0) and SEC1 ({@code BEGIN EC PRIVATE KEY},
 * from {@code openssl ecparam -genkey}). Both are common on gateways; the JDK reads neither and a full ASN.1 library
 * (BouncyCastle, megabytes) would be embedded for these few bytes of DER.
 */
final class TraditionalKeys {

    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int EC_PARAMETERS = 0xA0;
    /** AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = { 0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00 };
    /** OID id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_PUBLIC_KEY = { 0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01 };
    private static final byte[] VERSION_0 = { INTEGER, 0x01, 0x00 };
    /** OIDs 1.2.840.10045.3.1.7, 1.3.132.0.34 and 1.3.132.0.35. */
    private static final byte[] SECP256R1 = { 0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x03, 0x01, 0x07 };
    private static final byte[] SECP384R1 = { 0x06, 0x05, 0x2B, (byte) 0x81, 0x04, 0x00, 0x22 };
    private static final byte[] SECP521R1 = { 0x06, 0x05, 0x2B, (byte) 0x81, 0x04, 0x00, 0x23 };

    private TraditionalKeys() {
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey. */
    static byte[] rsaToPkcs8(byte[] pkcs1) {
        return tlv(SEQUENCE, VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, pkcs1));
    }

    /** PKCS#8 PrivateKeyInfo around a SEC1 ECPrivateKey; the curve is taken from the key's own parameters. */
    static byte[] ecToPkcs8(byte[] sec1) throws InvalidKeySpecException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] ... }
        int[] outer = header(sec1, 0, SEQUENCE);
        int position = outer[0];
        int end = outer[0] + outer[1];
        byte[] curve = null;
        int privateKeyLength = -1;
        while (position < end) {
            int[] element = header(sec1, position, -1);
            int tag = sec1[position] & 0xFF;
            if (tag == EC_PARAMETERS) {
                curve = new byte[element[1]];
                System.arraycopy(sec1, element[0], curve, 0, element[1]);
            } else if (tag == OCTET_STRING && privateKeyLength < 0) {
                privateKeyLength = element[1];
            }
            position = element[0] + element[1];
        }
        if (curve == null) {
            curve = curveBySize(privateKeyLength);
        }
        return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, EC_PUBLIC_KEY, curve), tlv(OCTET_STRING, sec1));
    }

    /**
     * The curve of a key that does not name it (its parameters are optional), known by the private key's fixed
     * size: the NIST curves DPS accepts.
     */
    private static byte[] curveBySize(int privateKeyLength) throws InvalidKeySpecException {
        switch (privateKeyLength) {
            case 32:
                return SECP256R1;
            case 48:
                return SECP384R1;
            case 66:
                return SECP521R1;
            default:
                throw new InvalidKeySpecException("the EC key does not name its curve and its size ("
                        + privateKeyLength + " bytes) matches none of P-256, P-384, P-521");
        }
    }

    /** Reads the tag and length at {@code offset}; returns {content offset, content length}. */
    private static int[] header(byte[] der, int offset, int expectedTag) throws InvalidKeySpecException {
        if (offset + 2 > der.length || (expectedTag >= 0 && (der[offset] & 0xFF) != expectedTag)) {
            throw new InvalidKeySpecException("malformed key (DER)");
        }
        int length = der[offset + 1] & 0xFF;
        int position = offset + 2;
        if (length > 0x7F) {
            int bytes = length & 0x7F;
            if (bytes > 3 || position + bytes > der.length) {
                throw new InvalidKeySpecException("malformed key (DER length)");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[position++] & 0xFF);
            }
        }
        if (position + length > der.length) {
            throw new InvalidKeySpecException("malformed key (truncated)");
        }
        return new int[] { position, length };
    }

    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.write(part, 0, part.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.size();
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        byte[] bytes = content.toByteArray();
        out.write(bytes, 0, bytes.length);
        return out.toByteArray();
    }
}
