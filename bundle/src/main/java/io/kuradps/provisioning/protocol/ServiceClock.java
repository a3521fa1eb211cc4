package io.kuradps.provisioning.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DPS's time as this device best knows it: the device clock plus the offset last measured against DPS's own
 * readings. Tokens signed by it are valid by the service's clock even while the device clock is wrong (no RTC,
 * NTP not yet run). One per component, shared by every registration run and by whatever signs the hub's tokens,
 * so it is thread-safe: its whole state is one immutable value, replaced atomically.
 */
public final class ServiceClock extends Clock {

    /** What the reading rests on. */
    public enum Basis {
        /** Nothing has confirmed the device clock yet: it is taken as it is. */
        UNCONFIRMED,
        /** Measured against DPS: the offset is what the device clock is off by (zero when it agreed). */
        MEASURED,
        /** Kura's clock service has set the device clock (NTP, RTC): no offset. */
        SET_BY_CLOCK_SERVICE
    }

    private final Clock device;
    private final AtomicReference<State> state;

    public ServiceClock(Clock device) {
        this(device, new AtomicReference<>(new State(Duration.ZERO, Basis.UNCONFIRMED, null)));
    }

    private ServiceClock(Clock device, AtomicReference<State> state) {
        this.device = device;
        this.state = state;
    }

    /** The device clock, uncorrected: for timers and for telling a person what the device believes. */
    public Clock device() {
        return device;
    }

    @Override
    public Instant instant() {
        return device.instant().plus(state.get().offset);
    }

    /** What is added to the device clock's reading: DPS's time minus the device's, as last measured. */
    public Duration offset() {
        return state.get().offset;
    }

    public Basis basis() {
        return state.get().basis;
    }

    /** The device clock agrees with DPS's: it was set by the clock service, or measured within the bound. */
    public boolean deviceClockConfirmed() {
        State current = state.get();
        return current.basis != Basis.UNCONFIRMED && current.offset.isZero();
    }

    /** The last comparison with DPS's clock, until the clock service sets the device clock. */
    public Optional<ClockSkew> lastMeasurement() {
        return Optional.ofNullable(state.get().measurement);
    }

    /**
     * DPS's reading arrived. When this clock is more than {@link ClockSkew#BOUND} off it, DPS's time is adopted;
     * otherwise the offset in force stands, confirmed. A small difference is left alone: it is within what the
     * measurement itself may be off by.
     *
     * @return the device clock next to DPS's
     */
    public ClockSkew observe(Instant serviceTime) {
        Instant deviceNow = device.instant();
        ClockSkew skew = ClockSkew.between(deviceNow, serviceTime);
        boolean off = ClockSkew.between(deviceNow.plus(offset()), serviceTime).exceedsBound();
        state.set(new State(off ? skew.offset() : offset(), Basis.MEASURED, skew));
        return skew;
    }

    /** Adopts DPS's reading whatever the difference: DPS has shown it judges tokens by it. */
    public ClockSkew adopt(Instant serviceTime) {
        ClockSkew skew = ClockSkew.between(device.instant(), serviceTime);
        state.set(new State(skew.offset(), Basis.MEASURED, skew));
        return skew;
    }

    /**
     * Kura's clock service has just set the device clock: an offset measured against the old reading would now
     * put this clock wrong by as much.
     */
    public void clockSet() {
        state.set(new State(Duration.ZERO, Basis.SET_BY_CLOCK_SERVICE, null));
    }

    @Override
    public ZoneId getZone() {
        return device.getZone();
    }

    /** The same corrected time in another zone; the correction stays shared. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new ServiceClock(device.withZone(zone), state);
    }

    @Override
    public String toString() {
        State current = state.get();
        return "ServiceClock[" + current.basis + ", offset=" + current.offset + ", device=" + device + "]";
    }

    /** Immutable, so a reader never sees an offset with another measurement's basis. */
    private static final class State {
        final Duration offset;
        final Basis basis;
        final ClockSkew measurement;

        State(Duration offset, Basis basis, ClockSkew measurement) {
            this.offset = offset;
            this.basis = basis;
            this.measurement = measurement;
        }
    }
}
