package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.time.Instant;

/** The device clock's reading next to DPS's at one moment. Immutable. */
public final class ClockSkew {

    /**
     * A difference beyond this means the device clock is wrong, not the measurement. Five minutes is the skew
     * Azure's services themselves allow on token times; a clock kept by NTP, the trip across the network and a
     * status timestamp one poll interval old (a few seconds) all stay far inside it, while a gateway that booted
     * with the time it saved at shutdown (no RTC, fake-hwclock) is off by hours to months.
     */
    public static final Duration BOUND = Duration.ofMinutes(5);

    private final Instant device;
    private final Instant service;

    private ClockSkew(Instant device, Instant service) {
        this.device = device;
        this.service = service;
    }

    /** @param device the device clock's reading when DPS's reading {@code service} arrived */
    public static ClockSkew between(Instant device, Instant service) {
        return new ClockSkew(device, service);
    }

    public Instant deviceTime() {
        return device;
    }

    public Instant serviceTime() {
        return service;
    }

    /** What to add to the device clock to read DPS's time. */
    public Duration offset() {
        return Duration.between(device, service);
    }

    /** True when the two clocks differ by more than {@link #BOUND}. */
    public boolean exceedsBound() {
        return offset().abs().compareTo(BOUND) > 0;
    }

    /** For a person, as a sentence without its full stop: "The device clock reads D, DPS's S: it is N behind". */
    public String describe() {
        Duration offset = offset();
        return "The device clock reads " + device + ", DPS's " + service + ": it is "
                + (offset.isZero() ? "on time" : readable(offset.abs()) + (offset.isNegative() ? " ahead" : " behind"));
    }

    /** The two largest units of a duration (years of 365 days), e.g. "183 days 20 h", "6 min 12 s", "0 s". */
    static String readable(Duration duration) {
        // To the nearest second: a reading taken a few milliseconds after another is not a second off.
        long seconds = duration.plusMillis(500).getSeconds();
        long days = seconds / 86_400;
        long[] amounts = { days / 365, days % 365, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60 };
        String[] units = { " years", " days", " h", " min", " s" };
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (int unit = 0; unit < amounts.length && shown < 2; unit++) {
            if (amounts[unit] > 0 || shown > 0) {
                String name = amounts[unit] == 1 && unit < 2 ? units[unit].substring(0, units[unit].length() - 1)
                        : units[unit];
                text.append(shown > 0 ? " " : "").append(amounts[unit]).append(name);
                shown++;
            }
        }
        return shown == 0 ? "0 s" : text.toString();
    }

    @Override
    public String toString() {
        return "ClockSkew[device=" + device + ", service=" + service + "]";
    }
}
