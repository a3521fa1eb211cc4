package io.kuradps.provisioning.device;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;
import io.kuradps.provisioning.iothub.DirectMethods;
import io.kuradps.provisioning.iothub.HubProtocolException;
import io.kuradps.provisioning.iothub.ReceivedTopic;

/**
 * Answers each direct method call once: a name no handler answers at once with 404, a payload IoT Hub would not
 * carry with 400; otherwise the handler runs on a thread of {@code runners} (never the MQTT client's), and its answer
 * or failure (500, without the stack trace) is sent, unless its deadline came first: then 504 is sent and the
 * handler interrupted. Answers go out through {@code answers} from whichever thread settles the call. Thread-safe.
 */
final class MethodCalls {

    /** Schedules a task after a delay; the returned action cancels it. */
    interface Timers {
        Runnable schedule(Runnable task, Duration delay);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MethodCalls.class);

    private final Clock clock;
    private final MethodHandlers handlers;
    private final ExecutorService runners;
    private final Timers timers;
    private final Consumer<DirectMethods.Answer> answers;

    MethodCalls(Clock clock, MethodHandlers handlers, ExecutorService runners, Timers timers,
            Consumer<DirectMethods.Answer> answers) {
        this.clock = clock;
        this.handlers = handlers;
        this.runners = runners;
        this.timers = timers;
        this.answers = answers;
    }

    /** A call arrived; returns at once. */
    void call(ReceivedTopic.MethodCall call, byte[] payload) {
        String name = call.name();
        Optional<MethodHandlers.Handler> handler = handlers.find(name);
        if (!handler.isPresent()) {
            LOG.info("Direct method {}: no such method, answered 404", name);
            answers.accept(DirectMethods.notFound(call.rid(), name, handlers.names()));
            return;
        }
        Duration timeout = handler.get().timeout;
        MethodRequest request;
        try {
            request = DirectMethods.request(call, payload, clock.instant(), timeout);
        } catch (HubProtocolException e) {
            LOG.info("Direct method {}: {}, answered 400", name, e.getMessage());
            answers.accept(DirectMethods.badRequest(call.rid(), e));
            return;
        }
        Settlement settlement = new Settlement(call.rid(), name);
        try {
            Future<?> running = runners.submit(() -> run(handler.get(), request, settlement));
            settlement.cancelTimer = timers.schedule(() -> {
                if (settlement.settle(DirectMethods.timedOut(call.rid(), name, timeout))) {
                    running.cancel(true);
                }
            }, timeout);
        } catch (RejectedExecutionException stopping) {
            LOG.info("Direct method {} arrived while the gateway stops; not answered", name);
        }
    }

    private static void run(MethodHandlers.Handler handler, MethodRequest request, Settlement settlement) {
        DirectMethods.Answer answer;
        try {
            MethodResponse response = handler.service.invoke(request);
            answer = response == null
                    ? DirectMethods.failed(settlement.rid, settlement.name,
                            new IllegalStateException("the handler returned no MethodResponse"))
                    : DirectMethods.answer(settlement.rid, settlement.name, response);
        } catch (InterruptedException e) {
            // Only its deadline interrupts a handler, and the 504 went out then.
            Thread.currentThread().interrupt();
            return;
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.warn("Direct method {} failed: {}", settlement.name, e.toString());
            answer = DirectMethods.failed(settlement.rid, settlement.name, e);
        }
        settlement.settle(answer);
    }

    /** One call's answer: the first of the handler and its deadline to settle it is sent. */
    private final class Settlement {
        final String rid;
        final String name;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile Runnable cancelTimer;

        Settlement(String rid, String name) {
            this.rid = rid;
            this.name = name;
        }

        boolean settle(DirectMethods.Answer answer) {
            if (!settled.compareAndSet(false, true)) {
                if (answer.status() != 504) {
                    LOG.info("Direct method {} answered {} after its deadline; dropped", name, answer.status());
                }
                return false;
            }
            Runnable cancel = cancelTimer;
            if (cancel != null) {
                cancel.run();
            }
            LOG.info("Direct method {} answered {}", name, answer.status());
            answers.accept(answer);
            return true;
        }
    }
}
