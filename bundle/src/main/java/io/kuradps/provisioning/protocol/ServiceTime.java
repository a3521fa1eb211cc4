package io.kuradps.provisioning.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;

/**
 * DPS's own reading of the time, as its answers carry it: an error body's {@code timestampUtc} is when DPS wrote
 * the answer; a status body's {@code registrationState.lastUpdatedDateTimeUtc} is when the registration last
 * changed, which for the answer that ends an operation is at most one poll interval earlier. An unreadable
 * timestamp is no reading at all: the answer itself is still understood.
 */
final class ServiceTime {

    private ServiceTime() {
    }

    /** The time DPS wrote this error answer, if it said. */
    static Optional<Instant> of(ServiceError error) {
        return error == null ? Optional.empty() : error.timestampUtc().flatMap(ServiceTime::parse);
    }

    /** The time the registration in this status answer was last updated at DPS, if it said. */
    static Optional<Instant> of(OperationStatus status) {
        return status.registrationState().flatMap(DeviceRegistration::lastUpdatedDateTimeUtc)
                .flatMap(ServiceTime::parse);
    }

    /**
     * ISO-8601 as DPS writes it ({@code 2019-11-19T21:39:05.1573304Z}: seven fraction digits), with any offset;
     * without one it is UTC, as the field names say.
     */
    static Optional<Instant> parse(String timestamp) {
        if (timestamp == null) {
            return Optional.empty();
        }
        try {
            TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(timestamp.trim(),
                    OffsetDateTime::from, LocalDateTime::from);
            return Optional.of(parsed instanceof OffsetDateTime ? ((OffsetDateTime) parsed).toInstant()
                    : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
