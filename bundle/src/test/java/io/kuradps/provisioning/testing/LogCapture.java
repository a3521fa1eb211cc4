package io.kuradps.provisioning.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the bundle logs while it is open: its warnings and errors, which slf4j-simple writes to standard error (see
 * src/test/resources/simplelogger.properties), are copied here as well as passed on. Tests run one at a time, so
 * the lines are those of the test that opened it, from any thread.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(tee, true));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines logged at {@code level} (WARN, ERROR) so far. */
    public List<String> lines(String level) {
        String text;
        synchronized (captured) {
            text = new String(captured.toByteArray(), StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\\R")).filter(line -> line.contains(" " + level + " "))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
