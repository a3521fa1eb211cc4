package io.kuradps.provisioning.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;
import io.kuradps.provisioning.iothub.DirectMethods;
import io.kuradps.provisioning.iothub.HubTopics;
import io.kuradps.provisioning.iothub.ReceivedTopic;
import io.kuradps.provisioning.protocol.FakeClock;
import io.kuradps.provisioning.testing.ServiceReferences;

/** Method calls answered once, by the whiteboard's best handler, off the caller's thread, within the deadline. */
class MethodCallsTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final DeviceFakes.Timers timers = new DeviceFakes.Timers(clock);
    private final ExecutorService runners = Executors.newSingleThreadExecutor(r -> new Thread(r, "method-runner"));
    private final BlockingQueue<DirectMethods.Answer> answers = new LinkedBlockingQueue<>();
    private final MethodHandlers handlers = new MethodHandlers(Collections.singletonMap("kuraDps.ping",
            new MethodHandlers.Handler(request -> MethodResponse.ok("\"pong\""), Duration.ofSeconds(5))));
    private final MethodCalls calls = new MethodCalls(clock, handlers, runners, timers, answers::add);

    @AfterEach
    void stopRunners() {
        runners.shutdownNow();
    }

    @Test
    void theHandlerRunsOffTheCallersThreadWithThePayloadAndItsAnswerIsSent() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<MethodRequest> seen = new AtomicReference<>();
        register("reboot", 10, 0, request -> {
            thread.set(Thread.currentThread().getName());
            seen.set(request);
            return MethodResponse.ok("{\"rebooting\":true}");
        });

        call("reboot", "r1", "{\"delaySeconds\":5}");

        DirectMethods.Answer answer = next();
        assertThat(answer.topic()).isEqualTo("$iothub/methods/res/200/?$rid=r1");
        assertThat(body(answer)).isEqualTo("{\"rebooting\":true}");
        assertThat(thread.get()).isEqualTo("method-runner");
        assertThat(seen.get().payloadJson()).isEqualTo("{\"delaySeconds\":5}");
        assertThat(seen.get().deadline()).isEqualTo(clock.instant().plusSeconds(10));
    }

    @Test
    void anUnknownMethodIsAnswered404WithTheMethodsThereAre() throws Exception {
        register("reboot", 10, 0, request -> MethodResponse.ok());

        call("nope", "r2", "null");

        DirectMethods.Answer answer = next();
        assertThat(answer.status()).isEqualTo(404);
        assertThat(body(answer)).contains("no method 'nope'").contains("[\"kuraDps.ping\",\"reboot\"]");
    }

    @Test
    void theHighestRankingWinsAndABuiltInsNameIsNotTakenByAService() throws Exception {
        register("who", 10, 1, request -> MethodResponse.ok("\"low\""));
        register("who", 10, 7, request -> MethodResponse.ok("\"high\""));
        register("who", 10, 3, request -> MethodResponse.ok("\"middle\""));
        register("kuraDps.ping", 10, 100, request -> MethodResponse.ok("\"impostor\""));

        call("who", "r3", "");
        assertThat(body(next())).isEqualTo("\"high\"");
        call("kuraDps.ping", "r4", "");
        assertThat(body(next())).isEqualTo("\"pong\"");
    }

    @Test
    void aHandlerThatThrowsIsAnswered500WithItsMessageAndNoStackTrace() throws Exception {
        register("broken", 10, 0, request -> {
            throw new IllegalStateException("the relay is stuck");
        });

        call("broken", "r5", "{}");

        DirectMethods.Answer answer = next();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(body(answer)).isEqualTo(
                "{\"message\":\"method broken failed: IllegalStateException: the relay is stuck\"}");
    }

    @Test
    void aPayloadThatIsNotJsonIsAnswered400WithoutCallingTheHandler() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        register("strict", 10, 0, request -> {
            called.countDown();
            return MethodResponse.ok();
        });

        call("strict", "r6", "{not json");

        assertThat(next().status()).isEqualTo(400);
        assertThat(called.getCount()).isEqualTo(1);
    }

    @Test
    void aHandlerStillRunningAtItsDeadlineIsAnswered504AndInterruptedAndItsLateAnswerDropped() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        register("slow", 5, 0, request -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return MethodResponse.ok("\"late\"");
        });

        call("slow", "r7", "{}");
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        timers.advance(Duration.ofSeconds(5));

        DirectMethods.Answer answer = next();
        assertThat(answer.status()).isEqualTo(504);
        assertThat(body(answer)).contains("did not answer within 5 s");
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        // The single runner takes the next task only once the slow handler has returned its late answer.
        runners.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(answers).as("the late answer").isEmpty();
    }

    private void register(String name, int timeoutSeconds, int ranking, DirectMethodHandler handler) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(DirectMethodHandler.METHOD_NAME, name);
        properties.put(DirectMethodHandler.TIMEOUT_SECONDS, timeoutSeconds);
        properties.put(Constants.SERVICE_RANKING, ranking);
        ServiceReference<?> reference = ServiceReferences.of(properties);
        handlers.added(handler, reference);
    }

    private void call(String name, String rid, String payload) throws Exception {
        ReceivedTopic.MethodCall call = (ReceivedTopic.MethodCall) HubTopics.parse("$iothub/methods/POST/" + name
                + "/?$rid=" + rid);
        calls.call(call, payload.getBytes(StandardCharsets.UTF_8));
    }

    private DirectMethods.Answer next() throws InterruptedException {
        DirectMethods.Answer answer = answers.poll(10, TimeUnit.SECONDS);
        assertThat(answer).as("an answer within 10 s").isNotNull();
        return answer;
    }

    private static String body(DirectMethods.Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }
}
