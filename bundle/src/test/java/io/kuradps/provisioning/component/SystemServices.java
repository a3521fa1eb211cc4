package io.kuradps.provisioning.component;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.system.SystemService;

/** Kura SystemServices answering the few methods the bundle asks, as given; any other call fails the test. */
final class SystemServices {

    private SystemServices() {
    }

    /** Answers from {@code answers}: method name to value, e.g. "getSerialNumber" to "SN-1". */
    static SystemService answering(Map<String, String> answers) {
        Map<String, String> copy = new HashMap<>(answers);
        return (SystemService) Proxy.newProxyInstance(SystemServices.class.getClassLoader(),
                new Class<?>[] { SystemService.class }, (proxy, method, args) -> {
                    if (copy.containsKey(method.getName())) {
                        return copy.get(method.getName());
                    }
                    if (method.getName().equals("toString")) {
                        return "SystemService" + copy;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static SystemService withDataDirectory(String directory) {
        Map<String, String> answers = new HashMap<>();
        answers.put("getKuraDataDirectory", directory);
        return answering(answers);
    }
}
