package io.kuradps.provisioning.protocol;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.net.URLEncoder;

/**
 * Percent-encoding as DPS and the Azure SDKs use it in topics and SAS tokens: every byte except the RFC 3986
 * unreserved characters is encoded with uppercase hex, a space is {@code %20} and a {@code +} stays a plus.
 * The JDK's form encoding is the base; only its HTML-form quirks are undone.
 */
final class UrlEncoding {

    private static final String UTF_8 = "UTF-8";

    private UrlEncoding() {
    }

    static String encode(String value) {
        try {
            return URLEncoder.encode(value, UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /** Decodes percent escapes; a {@code +} is a plus, not a space (the service never form-encodes). */
    static String decode(String value, String field) throws DpsProtocolException {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException(field + ": malformed percent-encoding", e);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }
}
