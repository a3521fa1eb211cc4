package io.kuradps.bench;

import io.kuradps.provisioning.protocol.Bodies;
import io.kuradps.provisioning.protocol.ConnectRequest;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.OperationStatus;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.protocol.RegistrationStatus;
import io.kuradps.provisioning.protocol.ResponseTopic;
import io.kuradps.provisioning.protocol.Topics;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A fleet gateway with another client's retry policy ({@link FleetPolicy}). It speaks the same DPS protocol
 * with our protocol core's values (CONNECT, topics, bodies) over the same {@link FleetLink}; only the waiting
 * and giving up differ. Runs on one event loop.
 */
final class PolicyGateway implements FleetLink.Listener {

    private final int index;
    private final RegistrationSettings settings;
    private final FleetPolicy policy;
    private final FleetRun run;
    private final EventLoop loop;
    private final SslContext tls;
    private final int port;
    private FleetLink link;
    private ScheduledFuture<?> timer;
    private String outstandingRid;
    private int ridCounter;
    private boolean done;
    private int throttledInARow;
    private final Random random;

    PolicyGateway(int index, RegistrationSettings settings, FleetPolicy policy, FleetRun run, EventLoop loop,
            SslContext tls, int port) {
        this.index = index;
        this.settings = settings;
        this.policy = policy;
        this.run = run;
        this.loop = loop;
        this.tls = tls;
        this.port = port;
        this.random = new Random(index);
    }

    void startAfter(Duration delay) {
        loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void connect() {
        ConnectRequest request = ConnectRequest.create(settings, Instant.now());
        link = FleetLink.open(loop, tls, port, request.clientId(), request.username(), request.password(), this);
    }

    @Override
    public void connAck(FleetLink from, int returnCode) {
        if (from != link) {
            return;
        }
        if (returnCode != 0) {
            finishFailed("CONNACK " + returnCode);
        } else {
            link.subscribe(Topics.SUBSCRIBE_FILTER);
        }
    }

    @Override
    public void subAck(FleetLink from, int[] grantedQos) {
        if (from == link) {
            register();
        }
    }

    @Override
    public void message(FleetLink from, String topic, byte[] payload) {
        if (from != link || done) {
            return;
        }
        ResponseTopic response;
        try {
            response = Topics.parseResponse(topic);
        } catch (DpsProtocolException e) {
            return;
        }
        if (!response.rid().equals(outstandingRid)) {
            return;
        }
        outstandingRid = null;
        if (response.status() == 429) {
            Optional<Duration> delay = policy.throttledDelay(++throttledInARow,
                    response.retryAfter().orElse(Duration.ofSeconds(1)), random);
            if (delay.isPresent()) {
                run.retrying("THROTTLED");
                later(delay.get(), this::register);
            } else {
                finishFailed("THROTTLED (no retry on 429)");
            }
            return;
        }
        throttledInARow = 0;
        if (!response.isSuccess()) {
            finishFailed("status " + response.status());
            return;
        }
        OperationStatus status;
        try {
            status = Bodies.parseOperationStatus(payload);
        } catch (DpsProtocolException e) {
            finishFailed("unreadable answer");
            return;
        }
        if (status.status() == RegistrationStatus.ASSIGNED) {
            done = true;
            closeLink();
            run.assigned(index);
        } else if (status.status() == RegistrationStatus.ASSIGNING || status.status() == RegistrationStatus.UNASSIGNED) {
            String operationId = status.operationId();
            later(policy.pollDelay(response.retryAfter()), () -> poll(operationId));
        } else {
            finishFailed(status.status().toString());
        }
    }

    @Override
    public void closed(FleetLink from, String cause, boolean beforeConnAck) {
        if (from != link || done) {
            return;
        }
        link = null;
        Optional<Duration> delay = policy.reconnectDelay();
        if (delay.isPresent()) {
            run.retrying("CONNECTION_LOST");
            later(delay.get(), this::connect);
        } else {
            finishFailed("CONNECTION_LOST");
        }
    }

    private void register() {
        if (link == null) {
            return;
        }
        try {
            outstandingRid = Integer.toString(++ridCounter);
            link.publish(Topics.register(outstandingRid), Bodies.registerRequest(settings.registrationId(), null));
        } catch (DpsProtocolException e) {
            finishFailed("cannot build the register request");
        }
    }

    private void poll(String operationId) {
        if (link == null) {
            return;
        }
        outstandingRid = Integer.toString(++ridCounter);
        link.publish(Topics.poll(outstandingRid, operationId), new byte[0]);
    }

    private void later(Duration delay, Runnable step) {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = loop.schedule(() -> {
            if (!done) {
                step.run();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void finishFailed(String why) {
        done = true;
        if (timer != null) {
            timer.cancel(false);
        }
        closeLink();
        run.failed(index, why);
    }

    private void closeLink() {
        if (link != null) {
            FleetLink closing = link;
            link = null;
            closing.close();
        }
    }
}
