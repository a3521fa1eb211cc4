package io.kuradps.runtime.support.configuration;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * When Kura's configuration READY is posted on a Kura with its web UI on: by the web console, when it activates
 * (runtime-support/README.md: web2 {@code Console.java}), which Kura starts last (start level 6, after the add-ons at
 * 5). Here: once the framework has started, i.e. after every bundle it starts; at once when it had already
 * (Kura's services restarted in a running framework). A headless Kura never posts READY.
 */
final class WebConsoleReady implements FrameworkListener {

    private final BundleContext context;
    private final Runnable postReady;
    private boolean posted;

    private WebConsoleReady(BundleContext context, Runnable postReady) {
        this.context = context;
        this.postReady = postReady;
    }

    /** @return the listener to {@link #close()} when the ConfigurationService goes */
    static WebConsoleReady postOnceStarted(BundleContext context, Runnable postReady) {
        WebConsoleReady webConsole = new WebConsoleReady(context, postReady);
        context.addFrameworkListener(webConsole);
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            webConsole.post();
        }
        return webConsole;
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            post();
        }
    }

    private synchronized void post() {
        if (!this.posted) {
            this.posted = true;
            this.postReady.run();
        }
    }

    void close() {
        this.context.removeFrameworkListener(this);
    }
}
