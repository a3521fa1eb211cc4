package io.kuradps.runtime.support.ssl;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.metatype.OCD;

/** A ConfigurationService that tracks every PID with a definition and hands each update's properties to a queue. */
final class TrackingConfigurationService {

    private TrackingConfigurationService() {
    }

    static ConfigurationService writingTo(BlockingQueue<Map<String, Object>> written) {
        OCD definition = (OCD) Proxy.newProxyInstance(TrackingConfigurationService.class.getClassLoader(),
                new Class<?>[] { OCD.class }, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationService) Proxy.newProxyInstance(TrackingConfigurationService.class.getClassLoader(),
                new Class<?>[] { ConfigurationService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                    case "getComponentConfiguration":
                        return configuration((String) args[0], definition);
                    case "updateConfiguration":
                        @SuppressWarnings("unchecked")
                        Map<String, Object> properties = (Map<String, Object>) args[1];
                        written.add(new HashMap<>(properties));
                        return null;
                    default:
                        throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static ComponentConfiguration configuration(String pid, OCD definition) {
        return (ComponentConfiguration) Proxy.newProxyInstance(TrackingConfigurationService.class.getClassLoader(),
                new Class<?>[] { ComponentConfiguration.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                    case "getPid":
                        return pid;
                    case "getDefinition":
                        return definition;
                    case "getConfigurationProperties":
                        return new HashMap<String, Object>();
                    default:
                        throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
