package io.kuradps.provisioning.protocol;

import java.time.Instant;

/**
 * What a person is told when the device clock may be behind a failure: its reading next to DPS's (or next to the
 * token's expiry when there is no reading of DPS's), and what the client does about it. Each text is one or more
 * sentences, each beginning with a space, to be appended to a failure's explanation.
 */
final class ClockExplanations {

    /** A device clock before this has almost certainly never been set (no RTC, no NTP yet). */
    static final Instant PLAUSIBLE_CLOCK = Instant.parse("2020-01-01T00:00:00Z");

    private ClockExplanations() {
    }

    /** True when the reading is so old that the clock was surely never set; the rule when DPS gave no time. */
    static boolean looksUnset(Instant deviceTime) {
        return deviceTime.isBefore(PLAUSIBLE_CLOCK);
    }

    /** DPS refused a SAS token signed by a clock that disagrees with DPS's; the next one is signed by DPS's. */
    static String tokenRefusedForTheClock(ClockSkew skew, Instant sasExpiry) {
        boolean expired = sasExpiry != null && !sasExpiry.isAfter(skew.serviceTime());
        String token = sasExpiry == null ? ""
                : " The SAS token expires at " + sasExpiry + (expired ? ", already past by DPS's clock."
                        : ", further ahead of DPS's clock than it was meant to be.");
        return " " + skew.describe() + "." + token + " The next attempt signs its token by DPS's time, and so will"
                + " the hub's tokens. Set the clock (NTP, RTC) so the device's own time is right.";
    }

    /** The token was signed by DPS's time already, so the clock did not cause the refusal. */
    static String tokenSignedByServiceTime(ClockSkew lastMeasured) {
        return " The token was signed by DPS's time, so the clock is not the cause (" + lastMeasured.describe() + ").";
    }

    /** No reading of DPS's, but a clock before 2020: the token the device signed has long expired for DPS. */
    static String clockUnset(Instant deviceTime, Instant sasExpiry) {
        String expiry = sasExpiry == null ? "" : " The SAS token expires at " + sasExpiry
                + " by that clock, which DPS sees as long expired.";
        return " The device clock reads " + deviceTime + ", before 2020, so it is probably not set." + expiry
                + " Set the clock (NTP, RTC) and try again.";
    }

    /**
     * The server certificate is outside its validity by the device clock, which has not been confirmed (or is
     * known to be off): the clock is the likely cause.
     */
    static String certificateDatesSuspectTheClock(boolean expired, Instant deviceTime, ServiceClock clock) {
        String known = clock.lastMeasurement().filter(skew -> !clock.offset().isZero())
                .map(skew -> " It was measured off before: " + skew.describe() + ".")
                .orElse(" Nothing has confirmed it yet.");
        return " The server certificate is " + validity(expired) + " by the device clock, which reads " + deviceTime
                + ": the device clock may be wrong." + known + " The client tries again later, and at once when"
                + " Kura's clock service sets the clock. Set the clock (NTP, RTC); if it is right, check the"
                + " endpoint and the trusted root certificates.";
    }

    /** The server certificate is outside its validity by a device clock known to be right. */
    static String certificateDatesWithAConfirmedClock(boolean expired, Instant deviceTime, ServiceClock clock) {
        String confirmed = clock.basis() == ServiceClock.Basis.SET_BY_CLOCK_SERVICE
                ? "was set by Kura's clock service" : "agreed with DPS's when last measured";
        return " The server certificate is " + validity(expired) + " by the device clock, which reads " + deviceTime
                + " and " + confirmed + ", so the certificate itself is the problem.";
    }

    private static String validity(boolean expired) {
        return expired ? "expired" : "not yet valid";
    }
}
