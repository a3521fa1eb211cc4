package io.kuradps.provisioning.protocol;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the PEM text Kura's {@code KeystoreService.getCSR} returns into the base64 DER the {@code csr} field
 * carries. The request itself is not parsed: DPS judges it, and the issued leaf is checked against our key.
 */
public final class CertificateSigningRequests {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\\s]*)-----END (NEW )?CERTIFICATE REQUEST-----");

    private CertificateSigningRequests() {
    }

    /** @throws DpsProtocolException (field certificateSigningRequest) when the text holds no PEM request */
    public static String base64DerFromPem(String pem) throws DpsProtocolException {
        Matcher matcher = PEM.matcher(pem == null ? "" : pem);
        if (!matcher.find()) {
            throw new DpsProtocolException(DpsProtocolException.Field.CERTIFICATE_SIGNING_REQUEST,
                    "not a PEM CERTIFICATE REQUEST");
        }
        String base64 = matcher.group(2).replaceAll("\\s", "");
        try {
            if (Base64.getDecoder().decode(base64).length == 0) {
                throw new DpsProtocolException(DpsProtocolException.Field.CERTIFICATE_SIGNING_REQUEST,
                        "the PEM CERTIFICATE REQUEST is empty");
            }
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException(DpsProtocolException.Field.CERTIFICATE_SIGNING_REQUEST,
                    "the PEM CERTIFICATE REQUEST is not base64", e);
        }
        return base64;
    }
}
