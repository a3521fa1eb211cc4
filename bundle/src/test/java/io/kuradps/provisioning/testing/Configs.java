package io.kuradps.provisioning.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds a component's configuration the way DS does: the given properties, the annotation's defaults for the rest. */
public final class Configs {

    private Configs() {
    }

    /** @param keyValues property ids (as in the metatype) and values, alternating */
    public static <A extends Annotation> A of(Class<A> form, Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return of(form, properties);
    }

    public static <A extends Annotation> A of(Class<A> form, Map<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>(properties);
        return form.cast(Proxy.newProxyInstance(form.getClassLoader(), new Class<?>[] { form },
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? form.getSimpleName() + copy
                                : method.invoke(copy, args);
                    }
                    Object value = copy.get(propertyId(method));
                    return value != null ? value : method.getDefaultValue();
                }));
    }

    /** DS's mapping of an annotation element to a property id: {@code token_lifetime_seconds} is token.lifetime.seconds. */
    public static String propertyId(Method method) {
        return method.getName().replace('_', '.');
    }
}
