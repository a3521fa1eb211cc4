package io.kuradps.runtime.support.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceRegistration;

class StandInRegistrarTest {

    private final List<Registered> registered = new ArrayList<>();
    private final List<String> enabled = new ArrayList<>();
    private final List<String> disabled = new ArrayList<>();
    private final List<BundleListener> bundleListeners = new ArrayList<>();
    private static final String CRYPTO = "org.eclipse.kura.crypto.CryptoService";

    private final StandInRegistrar registrar = new StandInRegistrar();

    @Test
    void registersNothingWithoutItsProperties() throws Exception {
        this.registrar.activate(context(Map.of("org.osgi.framework.storage", "/tmp/osgi")), this.enabled::add, this.disabled::add);

        assertThat(this.registered).isEmpty();
    }

    @Test
    void registersSystemServiceUnderKurasPidWhenAnyOfItsPropertiesIsSet() throws Exception {
        this.registrar.activate(context(Map.of("kura.serialNumber", "SN-1")), this.enabled::add, this.disabled::add);

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
    void enablesTheCryptoServiceOnlyWhereTheSeederHasAConfiguration() throws Exception {
        this.registrar.activate(context(Map.of("kuradps.runtime.config", "/tmp/dps.properties")),
                this.enabled::add, this.disabled::add);

        assertThat(this.enabled).containsExactly(CRYPTO);
        assertThat(this.registered).extracting(registration -> (Object) registration.type)
                .containsExactly(Runnable.class);
    }

    @Test
    void whenTheFrameworkStopsTheCryptoServiceThenTheSystemServiceGoBeforeAnyBundleStops() throws Exception {
        this.registrar.activate(context(Map.of("kuradps.runtime.config", "/tmp/dps.properties", "kura.serialNumber",
                "SN-1")), this.enabled::add, name -> {
                    assertThat(systemServiceRegistration().unregistered).as("the SystemService, when " + name + " goes")
                            .isFalse();
                    this.disabled.add(name);
                });

        bundleEvent(7, BundleEvent.STOPPING);
        assertThat(this.disabled).isEmpty();
        bundleEvent(0, BundleEvent.STOPPING);

        assertThat(this.disabled).containsExactly(CRYPTO);
        assertThat(systemServiceRegistration().unregistered).isTrue();
    }

    @Test
    void aLauncherBeginsTheSameKuraShutdownThroughItsRunnable() throws Exception {
        this.registrar.activate(context(Map.of("kuradps.runtime.config", "/tmp/dps.properties", "kura.serialNumber",
                "SN-1")), this.enabled::add, this.disabled::add);
        Registered shutdown = this.registered.stream().filter(r -> r.type == Runnable.class).findFirst().orElseThrow();
        assertThat(shutdown.properties.get("kuradps.standin.kuraShutdown")).isEqualTo(true);

        ((Runnable) shutdown.service).run();
        this.registrar.deactivate();

        assertThat(this.disabled).containsExactly(CRYPTO);
        assertThat(this.registered).allSatisfy(registration -> assertThat(registration.unregistered).isTrue());
    }

    private Registered systemServiceRegistration() {
        return this.registered.stream().filter(r -> r.type == SystemService.class).findFirst().orElseThrow();
    }

    @Test
    void enablesNoComponentWithoutItsProperty() throws Exception {
        this.registrar.activate(context(Map.of("kura.data", "/data")), this.enabled::add, this.disabled::add);

        assertThat(this.enabled).isEmpty();
        assertThat(this.registered).extracting(registration -> (Object) registration.type)
                .containsExactly(SystemService.class);
    }

    @Test
    void configurationPropertyEnablesTheConfigurationServiceWithTheCryptoServiceItNeeds(@TempDir Path data)
            throws Exception {
        this.registrar.activate(context(Map.of("kura.data", data.toString(), "kuradps.standin.configuration", "true")),
                this.enabled::add, this.disabled::add);

        assertThat(this.enabled).containsExactly(CRYPTO, "org.eclipse.kura.configuration.ConfigurationService");
        assertThat(this.registered).extracting(registration -> (Object) registration.type)
                .containsExactly(SystemService.class, Runnable.class);
    }

    @Test
    void sslAndCloudConnectionPropertiesEnableTheirComponents() throws Exception {
        this.registrar.activate(context(Map.of("kuradps.standin.ssl", "true", "kuradps.standin.cloudconnection",
                "true")), this.enabled::add, this.disabled::add);

        assertThat(this.enabled).containsExactly(CRYPTO, "org.eclipse.kura.ssl.SslManagerService",
                "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl",
                "org.eclipse.kura.core.data.transport.mqtt.MqttDataTransport", "org.eclipse.kura.data.DataService",
                "org.eclipse.kura.cloudconnection.raw.mqtt.factory.RawMqttCloudConnectionFactory");
    }

    @Test
    void configurationWithoutADataDirectoryIsRefusedNamingBothPropertiesBeforeAnythingIsRegistered() {
        assertThatThrownBy(() -> this.registrar.activate(context(Map.of("kuradps.standin.configuration", "true",
                "kura.serialNumber", "SN-1")), this.enabled::add, this.disabled::add))
                .hasMessageContaining("kuradps.standin.configuration").hasMessageContaining("kura.data");
        assertThat(this.registered).isEmpty();
        assertThat(this.enabled).isEmpty();
    }

    @Test
    void deactivationUnregistersEverything(@TempDir Path data) throws Exception {
        this.registrar.activate(context(Map.of("kura.data", data.toString(), "kuradps.runtime.config",
                "/tmp/dps.properties")), this.enabled::add, this.disabled::add);
        assertThat(this.registered).hasSize(2);
        assertThat(this.bundleListeners).hasSize(1);

        this.registrar.deactivate();

        assertThat(this.registered).allSatisfy(registration -> assertThat(registration.unregistered).isTrue());
        assertThat(this.bundleListeners).isEmpty();
    }

    @Test
    void malformedPropertyLeavesNothingRegistered() {
        assertThatThrownBy(() -> this.registrar.activate(context(Map.of("kuradps.standin.primaryMacAddress", "x")),
                this.enabled::add, this.disabled::add))
                .hasMessageContaining("kuradps.standin.primaryMacAddress");
        assertThat(this.registered).isEmpty();
    }

    /** A bundle event of the bundle with that id, to every bundle listener. */
    private void bundleEvent(long bundleId, int type) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("getBundleId")) {
                        return bundleId;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        new ArrayList<>(this.bundleListeners).forEach(listener -> listener.bundleChanged(new BundleEvent(type, bundle)));
    }

    /** A bundle context with the given framework properties that records what is registered through it. */
    private BundleContext context(Map<String, String> frameworkProperties) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> {
                    switch (method.getName()) {
                    case "getProperty":
                        return frameworkProperties.get(args[0]);
                    case "addBundleListener":
                        this.bundleListeners.add((BundleListener) args[0]);
                        return null;
                    case "removeBundleListener":
                        this.bundleListeners.remove(args[0]);
                        return null;
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
