package io.kuradps.runtime.support.cloud;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listeners told one after the other; one that throws is logged and does not stop the others, as in Kura. */
final class Listeners<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<T> listeners = new CopyOnWriteArrayList<>();

    void add(T listener) {
        this.listeners.add(listener);
    }

    void remove(T listener) {
        this.listeners.remove(listener);
    }

    void tell(String what, Consumer<T> call) {
        for (T listener : this.listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("A listener failed on {}: {}", what, e.toString());
            }
        }
    }
}
