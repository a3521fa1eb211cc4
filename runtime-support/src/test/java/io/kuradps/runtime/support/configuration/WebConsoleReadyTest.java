package io.kuradps.runtime.support.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

class WebConsoleReadyTest {

    private final List<FrameworkListener> listeners = new ArrayList<>();
    private final AtomicInteger posted = new AtomicInteger();

    @Test
    void aStartingFrameworkGetsReadyOnceItHasStartedEveryBundleAsAfterTheAddOns() {
        WebConsoleReady.postOnceStarted(context(Bundle.STARTING), this.posted::incrementAndGet);
        assertThat(this.posted).hasValue(0);

        this.listeners.forEach(listener -> listener.frameworkEvent(event(FrameworkEvent.STARTLEVEL_CHANGED)));
        assertThat(this.posted).hasValue(0);
        this.listeners.forEach(listener -> listener.frameworkEvent(event(FrameworkEvent.STARTED)));

        assertThat(this.posted).hasValue(1);
    }

    @Test
    void aFrameworkThatHasStartedGetsReadyAtOnceAndOnlyOnce() {
        WebConsoleReady.postOnceStarted(context(Bundle.ACTIVE), this.posted::incrementAndGet);

        this.listeners.forEach(listener -> listener.frameworkEvent(event(FrameworkEvent.STARTED)));

        assertThat(this.posted).hasValue(1);
    }

    @Test
    void closedItPostsNothing() {
        WebConsoleReady.postOnceStarted(context(Bundle.STARTING), this.posted::incrementAndGet).close();

        assertThat(this.listeners).isEmpty();
    }

    private FrameworkEvent event(int type) {
        return new FrameworkEvent(type, system(Bundle.ACTIVE), null);
    }

    private Bundle system(int state) {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getState")) {
                        return state;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A bundle context whose system bundle is in that state, recording framework listeners. */
    private BundleContext context(int systemBundleState) {
        Bundle system = system(systemBundleState);
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                    case "getBundle":
                        return system;
                    case "addFrameworkListener":
                        this.listeners.add((FrameworkListener) args[0]);
                        return null;
                    case "removeFrameworkListener":
                        this.listeners.remove(args[0]);
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
