package io.kuradps.itest;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies what is written to System.err (where slf4j-simple sends the bundle's log lines) while still
 * passing it on, so a test can look for secrets in the logs.
 */
public final class StandardErrorCapture implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private StandardErrorCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (copy) {
                    copy.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(tee, true));
    }

    public static StandardErrorCapture start() {
        return new StandardErrorCapture();
    }

    public String text() {
        synchronized (copy) {
            return new String(copy.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
