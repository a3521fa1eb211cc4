package io.kuradps.provisioning.proxy;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kuradps.provisioning.component.ProxySettings;
import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.testing.FormValidation;

/** The proxy SslManagerService's form and its configure(), for the metatype agreement test. */
public final class ProxySslManagerForm implements FormValidation {

    @Override
    public String pid() {
        return ProxySslManager.PID;
    }

    @Override
    public Class<? extends Annotation> form() {
        return ProxySslManagerConfig.class;
    }

    /**
     * delegate.target is the delegate reference's target, which Declarative Services applies (a filter that selects
     * nothing leaves the component unsatisfied); any text is a password, which only proxy.username's rule involves.
     */
    @Override
    public Set<String> unvalidated() {
        return new HashSet<>(Arrays.asList("delegate.target", ProxySettings.PASSWORD));
    }

    @Override
    public Map<String, Object> badValues() {
        Map<String, Object> bad = new HashMap<>();
        bad.put(ProxySettings.HOST, "http://proxy.example.com");
        bad.put(ProxySettings.PORT, 0);
        bad.put(ProxySettings.USERNAME, "user:name");
        return bad;
    }

    /** The port and the credentials are read only with a proxy host, so the configuration has one unless it says. */
    @Override
    public Optional<String> problem(Map<String, Object> properties) {
        Map<String, Object> withProxy = new HashMap<>(properties);
        withProxy.putIfAbsent(ProxySettings.HOST, "proxy.example.com");
        try {
            new ProxySslManager().configure(Configs.of(ProxySslManagerConfig.class, withProxy));
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return pid();
    }
}
