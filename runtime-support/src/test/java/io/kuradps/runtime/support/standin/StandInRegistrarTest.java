package io.kuradps.runtime.support.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

class StandInRegistrarTest {

    private final List<Registered> registered = new ArrayList<>();
    private final StandInRegistrar registrar = new StandInRegistrar();

    @Test
    void registersNothingWithoutItsProperties() throws Exception {
        this.registrar.activate(context(Map.of("org.osgi.framework.storage", "/tmp/osgi")));

        assertThat(this.registered).isEmpty();
    }

    @Test
    void registersSystemServiceUnderKurasPidWhenAnyOfItsPropertiesIsSet() throws Exception {
        this.registrar.activate(context(Map.of("kura.serialNumber", "SN-1")));

        assertThat(this.registered).singleElement().satisfies(registration -> {
            assertThat(registration.type).isEqualTo(SystemService.class);
            assertThat(registration.properties.get("service.pid")).isEqualTo("org.eclipse.kura.system.SystemService");
            assertThat(registration.properties.get("kura.service.pid"))
                    .isEqualTo("org.eclipse.kura.system.SystemService");
            assertThat(((SystemService) registration.service).getSerialNumber()).isEqualTo("SN-1");
            assertThat(((SystemService) registration.service).getKuraDataDirectory()).isNull();
        });
    }

    @Test
    void registersTheDemoCryptoServiceOnlyWhereTheSeederHasAConfiguration() throws Exception {
        this.registrar.activate(context(Map.of("kuradps.runtime.config", "/tmp/dps.properties")));

        assertThat(this.registered).extracting(registration -> (Object) registration.type)
                .containsExactly(CryptoService.class);
    }

    @Test
    void deactivationUnregistersEverything() throws Exception {
        this.registrar.activate(context(Map.of("kura.data", "/data", "kuradps.runtime.config", "/tmp/dps.properties")));
        assertThat(this.registered).hasSize(2);

        this.registrar.deactivate();

        assertThat(this.registered).allSatisfy(registration -> assertThat(registration.unregistered).isTrue());
    }

    @Test
    void malformedPropertyLeavesNothingRegistered() {
        assertThatThrownBy(() -> this.registrar.activate(context(Map.of("kuradps.standin.primaryMacAddress", "x"))))
                .hasMessageContaining("kuradps.standin.primaryMacAddress");
        assertThat(this.registered).isEmpty();
    }

    /** A bundle context with the given framework properties that records what is registered through it. */
    private BundleContext context(Map<String, String> frameworkProperties) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> {
                    switch (method.getName()) {
                    case "getProperty":
                        return frameworkProperties.get(args[0]);
                    case "registerService":
                        Registered registration = new Registered((Class<?>) args[0], args[1], (Dictionary<?, ?>) args[2]);
                        this.registered.add(registration);
                        return registration.handle();
                    default:
                        throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static final class Registered {
        final Class<?> type;
        final Object service;
        final Dictionary<?, ?> properties;
        boolean unregistered;

        Registered(Class<?> type, Object service, Dictionary<?, ?> properties) {
            this.type = type;
            this.service = service;
            this.properties = properties;
        }

        ServiceRegistration<?> handle() {
            return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { ServiceRegistration.class }, (proxy, method, args) -> {
                        if (!method.getName().equals("unregister")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        this.unregistered = true;
                        return null;
                    });
        }
    }
}
