package io.kuradps.provisioning.iothub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The requests sent to the hub that have not been answered yet, by {@code $rid}, each with the time by which its
 * answer must have come (the injected clock's now plus the response timeout). A {@code $rid} is a random prefix,
 * drawn once, and a counter, so answers meant for an earlier session or another gateway's never match. Not
 * thread-safe: use it from one thread, as the session that owns it.
 *
 * @param <T> what the caller remembers of each request
 */
public final class PendingRequests<T> {

    /** One request waiting for its answer. */
    public static final class Pending<T> {
        private final String rid;
        private final T request;
        private final Instant deadline;

        Pending(String rid, T request, Instant deadline) {
            this.rid = rid;
            this.request = request;
            this.deadline = deadline;
        }

        public String rid() {
            return rid;
        }

        public T request() {
            return request;
        }

        public Instant deadline() {
            return deadline;
        }

        @Override
        public String toString() {
            return "Pending[rid=" + rid + ", request=" + request + ", deadline=" + deadline + "]";
        }
    }

    private final Clock clock;
    private final Duration timeout;
    private final String ridPrefix;
    private final Map<String, Pending<T>> pending = new LinkedHashMap<>();
    private long counter;

    public PendingRequests(Clock clock, Random random, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("response timeout must be positive, got " + timeout);
        }
        this.clock = clock;
        this.timeout = timeout;
        this.ridPrefix = Integer.toHexString(random.nextInt());
    }

    /** Records {@code request} under a fresh {@code $rid}, due by now plus the timeout; returns it. */
    public Pending<T> add(T request) {
        String rid = ridPrefix + "-" + (++counter);
        Pending<T> added = new Pending<>(rid, request, clock.instant().plus(timeout));
        pending.put(rid, added);
        return added;
    }

    /** The request {@code rid} answers, removed; empty for an unknown rid (a stale or foreign answer, a duplicate). */
    public Optional<Pending<T>> complete(String rid) {
        return Optional.ofNullable(pending.remove(rid));
    }

    /** The requests whose deadline has come by the clock's now, removed, oldest first. */
    public List<Pending<T>> expire() {
        Instant now = clock.instant();
        List<Pending<T>> expired = new ArrayList<>();
        for (Iterator<Pending<T>> it = pending.values().iterator(); it.hasNext();) {
            Pending<T> next = it.next();
            if (!next.deadline().isAfter(now)) {
                expired.add(next);
                it.remove();
            }
        }
        return expired;
    }

    /** Every request, removed: the connection they were sent on is gone, so no answer will come. */
    public List<Pending<T>> clear() {
        List<Pending<T>> all = new ArrayList<>(pending.values());
        pending.clear();
        return all;
    }

    /** The earliest deadline, for the driver's one timer. */
    public Optional<Instant> nextDeadline() {
        Instant earliest = null;
        for (Pending<T> next : pending.values()) {
            if (earliest == null || next.deadline().isBefore(earliest)) {
                earliest = next.deadline();
            }
        }
        return Optional.ofNullable(earliest);
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The outstanding requests, oldest first. */
    public List<Pending<T>> outstanding() {
        return Collections.unmodifiableList(new ArrayList<>(pending.values()));
    }
}
