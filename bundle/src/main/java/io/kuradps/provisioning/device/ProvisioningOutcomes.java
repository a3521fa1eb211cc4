package io.kuradps.provisioning.device;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kuradps.provisioning.api.ProvisioningEvents;

/**
 * How the next registration run ends, from the provisioner's events: a run posts STARTED, then ASSIGNED or FAILED
 * (RETRYING in between does not end it). A waiter counts only a run that started after it began waiting, so an
 * event of an earlier run still on its way cannot answer it. Thread-safe.
 */
final class ProvisioningOutcomes {

    /** The event that ended a run: its topic and properties. */
    static final class Outcome {
        final String topic;
        final Map<String, Object> properties;

        Outcome(String topic, Map<String, Object> properties) {
            this.topic = topic;
            this.properties = properties;
        }

        boolean assigned() {
            return ProvisioningEvents.TOPIC_ASSIGNED.equals(topic);
        }
    }

    private static final class Waiter {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        volatile boolean started;
    }

    private final CopyOnWriteArrayList<Waiter> waiters = new CopyOnWriteArrayList<>();

    /** Completes when the next run to start has ended; cancel it when no longer waiting. */
    CompletableFuture<Outcome> nextRun() {
        Waiter waiter = new Waiter();
        waiters.add(waiter);
        waiter.outcome.whenComplete((outcome, failure) -> waiters.remove(waiter));
        return waiter.outcome;
    }

    /** A provisioning event, as posted. */
    void event(String topic, Map<String, Object> properties) {
        for (Waiter waiter : waiters) {
            if (ProvisioningEvents.TOPIC_STARTED.equals(topic)) {
                waiter.started = true;
            } else if (waiter.started && (ProvisioningEvents.TOPIC_ASSIGNED.equals(topic)
                    || ProvisioningEvents.TOPIC_FAILED.equals(topic))) {
                waiter.outcome.complete(new Outcome(topic, properties));
            }
        }
    }
}
