package io.kuradps.itest;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * A Kura SystemService a test registers (see {@link SystemServiceSupport}), for the provisioner to take:
 * the SystemService of another gateway, or one that appears late. Answers only the methods it is given.
 */
public final class TestSystemService {

    private final Map<String, String> answers = new HashMap<>();

    public TestSystemService dataDirectory(String directory) {
        answers.put("getKuraDataDirectory", directory);
        return this;
    }

    public TestSystemService serialNumber(String serial) {
        answers.put("getSerialNumber", serial);
        return this;
    }

    public TestSystemService primaryMacAddress(String mac) {
        answers.put("getPrimaryMacAddress", mac);
        return this;
    }

    public TestSystemService hostname(String hostname) {
        answers.put("getHostname", hostname);
        return this;
    }

    /** Registers it with {@code ranking}; a later registration needs a higher one to take over. */
    public ServiceRegistration<SystemService> register(BundleContext context, int ranking) {
        Map<String, String> copy = new HashMap<>(answers);
        SystemService service = (SystemService) Proxy.newProxyInstance(TestSystemService.class.getClassLoader(),
                new Class<?>[] { SystemService.class }, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? "TestSystemService" + copy
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                        : proxy == args[0];
                    }
                    if (copy.containsKey(method.getName())) {
                        return copy.get(method.getName());
                    }
                    throw new UnsupportedOperationException("TestSystemService." + method.getName());
                });
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(SystemService.class, service, properties);
    }
}
