package io.kuradps.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Paho's own trace (java.util.logging at FINE), stamped with {@link System#nanoTime()} as each line is logged: when
 * Paho started its network module and threads, sent each packet and read each one. Both clients run on Paho 1.2.5,
 * so the same lines time ours and the SDK. On only while a timeline is recorded: the trace costs some microseconds
 * per line.
 */
final class PahoTrace implements AutoCloseable {

    /** One trace line and when it was logged. */
    record Line(long nanos, String text) {
    }

    private static final String PAHO = "org.eclipse.paho.client.mqttv3";

    private final Logger logger = Logger.getLogger(PAHO);
    private final Level previousLevel = logger.getLevel();
    private final List<Line> lines = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            long now = System.nanoTime();
            String text = record.getMessage();
            synchronized (lines) {
                lines.add(new Line(now, text == null ? "" : text));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    PahoTrace() {
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
    }

    /** The lines logged since the last call, in order. */
    List<Line> take() {
        synchronized (lines) {
            List<Line> taken = List.copyOf(lines);
            lines.clear();
            return taken;
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previousLevel);
    }
}
