package io.kuradps.bench;

import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleet gateway with our retry policy: the bundle's real {@link RegistrationFlow} (its backoff, retry-after
 * handling and timers), driven over a {@link FleetLink} instead of Paho. All flow calls run on one event loop.
 */
final class FlowGateway implements FleetLink.Listener {

    private final int index;
    private final RegistrationFlow flow;
    private final FleetRun run;
    private final EventLoop loop;
    private final SslContext tls;
    private final int port;
    private final Clock clock;
    private FleetLink link;
    private ScheduledFuture<?> timer;

    FlowGateway(int index, RegistrationFlow flow, FleetRun run, EventLoop loop, SslContext tls, int port, Clock clock) {
        this.index = index;
        this.flow = flow;
        this.run = run;
        this.loop = loop;
        this.tls = tls;
        this.port = port;
        this.clock = clock;
    }

    void startAfter(Duration delay) {
        loop.schedule(() -> apply(flow.start()), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void apply(List<FlowAction> actions) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.Connect connect) {
                closeLink();
                link = FleetLink.open(loop, tls, port, connect.request().clientId(), connect.request().username(),
                        connect.request().password(), this);
            } else if (action instanceof FlowAction.Subscribe subscribe) {
                link.subscribe(subscribe.filter());
            } else if (action instanceof FlowAction.Publish publish) {
                link.publish(publish.topic(), publish.payload());
            } else if (action instanceof FlowAction.Disconnect) {
                closeLink();
            } else if (action instanceof FlowAction.ScheduleTimer schedule) {
                if (timer != null) {
                    timer.cancel(false);
                }
                long id = schedule.timerId();
                long delay = Math.max(0, Duration.between(clock.instant(), schedule.at()).toNanos());
                timer = loop.schedule(() -> apply(flow.onTimerFired(id)), delay, TimeUnit.NANOSECONDS);
            } else if (action instanceof FlowAction.Retrying retrying) {
                run.retrying(retrying.cause().kind().toString());
            } else if (action instanceof FlowAction.Succeed) {
                cancelTimer();
                run.assigned(index);
            } else if (action instanceof FlowAction.Fail fail) {
                cancelTimer();
                run.failed(index, fail.failure().kind().toString());
            }
        }
    }

    private void closeLink() {
        if (link != null) {
            FleetLink closing = link;
            link = null;
            closing.close();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void connAck(FleetLink from, int returnCode) {
        if (from != link) {
            return;
        }
        apply(returnCode == 0 ? flow.onConnected() : flow.onConnectFailed(refusal(returnCode), "CONNACK " + returnCode));
    }

    @Override
    public void subAck(FleetLink from, int[] grantedQos) {
        if (from == link) {
            apply(flow.onSubscribed(grantedQos));
        }
    }

    @Override
    public void message(FleetLink from, String topic, byte[] payload) {
        if (from == link) {
            apply(flow.onMessage(topic, payload));
        }
    }

    @Override
    public void closed(FleetLink from, String cause, boolean beforeConnAck) {
        if (from != link) {
            return;
        }
        link = null;
        apply(beforeConnAck ? flow.onConnectFailed(ConnectFailure.NETWORK, cause) : flow.onConnectionLost(cause));
    }

    private static ConnectFailure refusal(int returnCode) {
        switch (returnCode) {
            case 3:
                return ConnectFailure.REFUSED_SERVER_UNAVAILABLE;
            case 4:
                return ConnectFailure.REFUSED_BAD_CREDENTIALS;
            case 5:
                return ConnectFailure.REFUSED_NOT_AUTHORIZED;
            default:
                return ConnectFailure.REFUSED_OTHER;
        }
    }
}
