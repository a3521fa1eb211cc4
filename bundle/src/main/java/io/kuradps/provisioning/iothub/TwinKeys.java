package io.kuradps.provisioning.iothub;

/**
 * Kura's ids (PIDs, property ids) as twin keys. IoT Hub allows no {@code .} in a twin key and Kura's ids are full of
 * them ({@code org.eclipse.kura.clock.ClockService}, {@code clock.ntp.host}), so each {@code .} is written as
 * {@code ~}, which neither Kura's ids nor Java's names use: {@code org~eclipse~kura~clock~ClockService}. An id that
 * holds a {@code ~}, a {@code $} or a space cannot be written as a key.
 */
public final class TwinKeys {

    private TwinKeys() {
    }

    /** The twin key for a Kura id. */
    public static String toKey(String id) {
        if (id.isEmpty() || id.indexOf('~') >= 0 || id.indexOf('$') >= 0 || id.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("'" + id + "' cannot be a twin key (empty, or holds '~', '$' or a"
                    + " space)");
        }
        return id.replace('.', '~');
    }

    /** The Kura id a twin key stands for. */
    public static String toId(String key) {
        return key.replace('~', '.');
    }
}
