package io.kuradps.provisioning.device;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;

/**
 * The methods every gateway answers. {@value #STATUS}: what {@code dps:status} prints, as JSON. {@value
 * #REPROVISION}: asks DPS again and answers once the run has ended, 200 with the new assignment or 502 with DPS's
 * failure; a run still going {@link #ANSWER_MARGIN} before the method's deadline is answered 202 with the status, so
 * the caller gets an answer rather than the hub's timeout; 409 when the provisioner is off. Neither says anything
 * dps:status would not.
 */
final class BuiltInMethods {

    static final String STATUS = MethodHandlers.BUILT_IN_PREFIX + "status";
    static final String REPROVISION = MethodHandlers.BUILT_IN_PREFIX + "reprovision";
    /** How long either may take: IoT Hub's default response timeout, which a caller that sets none waits. */
    static final Duration TIMEOUT = Duration.ofSeconds(DirectMethodHandler.DEFAULT_TIMEOUT_SECONDS);
    /** A run still going this long before the deadline is answered 202: the answer must still reach the hub. */
    static final Duration ANSWER_MARGIN = Duration.ofSeconds(2);

    private final Clock clock;
    private final Supplier<DpsProvisioning> provisioning;
    private final Supplier<String> hubLink;
    private final Supplier<String> deviceTwin;
    private final ProvisioningOutcomes outcomes;

    /**
     * @param hubLink    the hub link's state line ({@code HubLinkStatus.describe()}), or that it is not configured
     * @param deviceTwin the twin's state line
     */
    BuiltInMethods(Clock clock, Supplier<DpsProvisioning> provisioning, Supplier<String> hubLink,
            Supplier<String> deviceTwin, ProvisioningOutcomes outcomes) {
        this.clock = clock;
        this.provisioning = provisioning;
        this.hubLink = hubLink;
        this.deviceTwin = deviceTwin;
        this.outcomes = outcomes;
    }

    /** Both, by name, for {@link MethodHandlers}. */
    Map<String, MethodHandlers.Handler> handlers() {
        Map<String, MethodHandlers.Handler> handlers = new LinkedHashMap<>();
        handlers.put(STATUS, new MethodHandlers.Handler(this::status, TIMEOUT));
        handlers.put(REPROVISION, new MethodHandlers.Handler(this::reprovision, TIMEOUT));
        return handlers;
    }

    MethodResponse status(MethodRequest request) {
        return MethodResponse.ok(statusJson().toString());
    }

    MethodResponse reprovision(MethodRequest request) throws InterruptedException {
        DpsProvisioning service = provisioning.get();
        if (service == null || service.status().state() == ProvisioningStatus.State.DISABLED) {
            return message(409, "provisioning is " + (service == null ? "not configured" : "disabled")
                    + " on this gateway; nothing was asked of DPS");
        }
        CompletableFuture<ProvisioningOutcomes.Outcome> run = outcomes.nextRun();
        try {
            service.reprovision();
            Duration left = Duration.between(clock.instant(), request.deadline()).minus(ANSWER_MARGIN);
            ProvisioningOutcomes.Outcome outcome = run.get(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
            return outcome.assigned() ? assigned(service, outcome) : failed(outcome);
        } catch (TimeoutException e) {
            ObjectNode body = ProvisioningJson.object();
            body.put("message", "DPS has not answered yet; the gateway goes on trying: follow it with " + STATUS);
            body.set("status", statusJson());
            return MethodResponse.of(202, body.toString());
        } catch (ExecutionException e) {
            throw new IllegalStateException("the provisioning outcome failed", e.getCause());
        } finally {
            run.cancel(false);
        }
    }

    private ObjectNode statusJson() {
        DpsProvisioning service = provisioning.get();
        return ProvisioningJson.status(service == null ? null : service.status(), hubLink.get(), deviceTwin.get());
    }

    private static MethodResponse assigned(DpsProvisioning service, ProvisioningOutcomes.Outcome outcome) {
        ObjectNode body = ProvisioningJson.object();
        service.currentAssignment().ifPresent(assignment -> body.set("assigned", ProvisioningJson.assignment(
                assignment)));
        body.put("hubChanged", Boolean.TRUE.equals(outcome.properties.get(ProvisioningEvents.HUB_CHANGED)));
        return MethodResponse.ok(body.toString());
    }

    private static MethodResponse failed(ProvisioningOutcomes.Outcome outcome) {
        ObjectNode body = ProvisioningJson.object();
        body.put("message", String.valueOf(outcome.properties.get(ProvisioningEvents.ERROR_MESSAGE)));
        Object code = outcome.properties.get(ProvisioningEvents.ERROR_CODE);
        if (code instanceof Number) {
            body.put("errorCode", ((Number) code).intValue());
        }
        body.put("retryable", Boolean.TRUE.equals(outcome.properties.get(ProvisioningEvents.RETRYABLE)));
        Object retryAt = outcome.properties.get(ProvisioningEvents.RETRY_AT);
        if (retryAt instanceof Long) {
            body.put("nextRunAt", java.time.Instant.ofEpochMilli((Long) retryAt).toString());
        }
        return MethodResponse.of(502, body.toString());
    }

    private static MethodResponse message(int status, String message) {
        ObjectNode body = ProvisioningJson.object();
        body.put("message", message);
        return MethodResponse.of(status, body.toString());
    }
}
