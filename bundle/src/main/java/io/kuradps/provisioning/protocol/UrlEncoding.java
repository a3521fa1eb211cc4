package io.kuradps.provisioning.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding as DPS, IoT Hub and the Azure SDKs use it in topics, property bags and SAS tokens
 * (azure-sdk-for-c's {@code _az_span_copy_url_encode}): every UTF-8 byte except the RFC 3986 unreserved characters
 * becomes {@code %XX} with uppercase hex, so a space is {@code %20}. Decoding takes {@code %XX} escapes of UTF-8 and
 * leaves a {@code +} a plus, as the services never form-encode. Written on bytes rather than with
 * {@link java.net.URLEncoder}, whose HTML-form rules (a space as {@code +}) are not the services'. The one home of
 * the rule for both protocol cores (DPS here, IoT Hub in {@code iothub}).
 */
public final class UrlEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlEncoding() {
    }

    public static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isUnreserved(c)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    /**
     * @param part what the value is, to start the message with; each core wraps it into its own exception
     * @throws IllegalArgumentException for a {@code %} not followed by two hex digits, or escapes that are not UTF-8
     */
    public static String decode(String value, String part) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            int escape = value.indexOf('%', i);
            if (escape != i) {
                int end = escape < 0 ? value.length() : escape;
                byte[] plain = value.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(plain, 0, plain.length);
                i = end - 1;
                continue;
            }
            int high = i + 1 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException(part + ": '%' at " + i + " is not followed by two hex digits");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(part + ": percent-escapes that are not UTF-8", e);
        }
    }

    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                || c == '.' || c == '~';
    }
}
