package io.kuradps.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.system.SystemService;
import org.eclipse.osgi.util.ManifestElement;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.VersionRange;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/** The bundle installs and resolves on the Kura framework stack, and depends on Kura only as kura.md allows. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleResolutionIT {

    /** Import ranges that work on Kura 5.0 through 6.x (kura.md, "The Kura API is not on Maven Central"). */
    private static final Map<String, VersionRange> KURA_IMPORT_RANGES = new HashMap<>();

    static {
        KURA_IMPORT_RANGES.put("org.eclipse.kura", new VersionRange("[1.6,2)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.configuration", new VersionRange("[1.2,2)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.crypto", new VersionRange("[1.3,2)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.ssl", new VersionRange("[2.1,3)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.security.keystore", new VersionRange("[1.0,2)"));
        // kura.md, "What a real Kura start does": 1.5.0 in Kura 5.0, 1.7.0 in develop.
        KURA_IMPORT_RANGES.put("org.eclipse.kura.system", new VersionRange("[1.5,2)"));
        // The hub link: 1.1.2, 1.0.1 and 1.0.0 in Kura 5.0 through develop (the API bundle's manifest).
        KURA_IMPORT_RANGES.put("org.eclipse.kura.data", new VersionRange("[1.1,2)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.data.listener", new VersionRange("[1.0,2)"));
        KURA_IMPORT_RANGES.put("org.eclipse.kura.cloudconnection.factory", new VersionRange("[1.0,2)"));
        // The device twin reads a PID's definition (AD types): 1.1.0 in Kura 5.0 through 5.6 (the API bundle's manifest).
        KURA_IMPORT_RANGES.put("org.eclipse.kura.configuration.metatype", new VersionRange("[1.1,2)"));
    }

    @Inject
    private BundleContext context;
    @Inject
    private ConfigurationAdmin configurationAdmin;
    @Inject
    private EventAdmin eventAdmin;
    @Inject
    private MetaTypeService metaTypeService;
    @Inject
    private ServiceComponentRuntime serviceComponentRuntime;

    @Configuration
    public Option[] configuration() {
        return KuraStack.options();
    }

    @Test
    public void runsOnTheEquinoxOfTheSelectedKuraGeneration() {
        String version = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getVersion().toString();
        assertTrue(KuraStack.NAME + " runs Equinox " + version, version.startsWith(KuraStack.equinoxVersionPrefix()));
    }

    @Test
    public void everyInstalledBundleResolves() {
        List<String> unresolved = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() == Bundle.INSTALLED) {
                unresolved.add(bundle.getSymbolicName() + " " + bundle.getVersion());
            }
        }
        assertEquals("bundles left unresolved", new ArrayList<String>(), unresolved);
    }

    @Test
    public void provisioningBundleIsActive() {
        Bundle bundle = provisioningBundle();
        assertEquals("state of " + bundle.getSymbolicName(), Bundle.ACTIVE, bundle.getState());
    }

    @Test
    public void kuraRuntimeServicesArePresent() {
        assertNotNull(configurationAdmin);
        assertNotNull(eventAdmin);
        assertNotNull(metaTypeService);
        assertNotNull(serviceComponentRuntime);
        assertNotNull("SCR answers", serviceComponentRuntime.getComponentDescriptionDTOs());
    }

    @Test
    public void kurasSystemServiceNamesTheGatewayAndADataDirectoryThatExists() throws Exception {
        assertEquals(KuraStack.SERIAL_NUMBER, KuraDataDirectory.fromSystemService(context, SystemService::getSerialNumber));
        assertEquals(KuraStack.PRIMARY_MAC_ADDRESS,
                KuraDataDirectory.fromSystemService(context, SystemService::getPrimaryMacAddress));
        assertEquals(KuraStack.HOST_NAME, KuraDataDirectory.fromSystemService(context, SystemService::getHostname));
        Path dataDirectory = KuraDataDirectory.of(context);
        assertTrue("Kura data directory " + dataDirectory, Files.isDirectory(dataDirectory));
    }

    @Test
    public void kuraImportsStayInTheRangesEveryKuraGenerationExports() throws Exception {
        Bundle bundle = provisioningBundle();
        String header = bundle.getHeaders("").get(Constants.IMPORT_PACKAGE);
        List<String> problems = new ArrayList<>();
        if (header != null) {
            for (ManifestElement element : ManifestElement.parseHeader(Constants.IMPORT_PACKAGE, header)) {
                for (String pkg : element.getValueComponents()) {
                    if (!pkg.startsWith("org.eclipse.kura")) {
                        continue;
                    }
                    VersionRange expected = KURA_IMPORT_RANGES.get(pkg);
                    String version = element.getAttribute(Constants.VERSION_ATTRIBUTE);
                    if (expected == null) {
                        problems.add(pkg + " is not a Kura package kura.md lists");
                    } else if (version == null || !expected.equals(new VersionRange(version))) {
                        problems.add(pkg + " imported as " + version + ", expected " + expected);
                    }
                }
            }
        }
        assertEquals("Kura imports out of range", new ArrayList<String>(), problems);
    }

    @Test
    public void kuraPackagesAreWiredToTheKuraApiBundleNotToACopy() {
        BundleWiring wiring = provisioningBundle().adapt(BundleWiring.class);
        assertNotNull("bundle is resolved", wiring);
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if (pkg.startsWith("org.eclipse.kura")) {
                assertEquals(pkg + " provider", "org.eclipse.kura.api.stub",
                        wire.getProvider().getBundle().getSymbolicName());
            }
        }
        for (BundleWire wire : wiring.getProvidedWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            assertTrue("exports only its api, not " + pkg, pkg.startsWith("io.kuradps.provisioning.api"));
        }
    }

    @Test
    public void noKuraClassIsEmbedded() throws Exception {
        Bundle bundle = provisioningBundle();
        assertNull("org/eclipse/kura entries", bundle.findEntries("org/eclipse/kura", "*", true));
        // Also looks inside any embedded jar on the bundle class path.
        Collection<String> local = bundle.adapt(BundleWiring.class).listResources("org/eclipse/kura", "*",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE);
        assertTrue("embedded Kura resources " + local, local.isEmpty());
        String exports = bundle.getHeaders("").get(Constants.EXPORT_PACKAGE);
        assertTrue("Export-Package " + exports, exports == null || !exports.contains("org.eclipse.kura"));
    }

    @Test
    public void metaTypeServiceShowsTheProvisionerOcdWithAPasswordAttribute() {
        MetaTypeInformation information = metaTypeService.getMetaTypeInformation(provisioningBundle());
        assertTrue("designated pids " + Arrays.toString(information.getPids()),
                Arrays.asList(information.getPids()).contains(DpsProvisionerConfiguration.PID));
        ObjectClassDefinition ocd = information.getObjectClassDefinition(DpsProvisionerConfiguration.PID, null);
        assertEquals(DpsProvisionerConfiguration.PID, ocd.getID());
        List<String> passwords = new ArrayList<>();
        for (AttributeDefinition attribute : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            if (attribute.getType() == AttributeDefinition.PASSWORD) {
                passwords.add(attribute.getID());
            }
        }
        assertTrue("Password attributes " + passwords, passwords.contains("symmetric.key"));
    }

    /**
     * Kura's ConfigurationService reads a ConfigurableComponent's service.pid with toString(); Felix SCR 2.1.16 (the
     * Kura 5 stack) turns a declared service.pid plus the configuration's into a String[], which Kura would then
     * track as "[Ljava.lang.String;@..." (runtime-support/README.md). The configuration alone must name it.
     */
    @Test
    public void theConfiguredProvisionerRegistersItsServicePidAsOneString() throws Exception {
        org.osgi.service.cm.Configuration configuration =
                configurationAdmin.getConfiguration(DpsProvisionerConfiguration.PID, "?");
        java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>();
        properties.put("enabled", false);
        configuration.update(properties);
        try {
            Object[] servicePid = new Object[1];
            Await.until("the provisioner's ConfigurableComponent service", java.time.Duration.ofSeconds(30), () -> {
                try {
                    org.osgi.framework.ServiceReference<?>[] references = context.getServiceReferences((String) null,
                            "(&(objectClass=" + ConfigurableComponent.class.getName() + ")(service.pid="
                                    + DpsProvisionerConfiguration.PID + "))");
                    if (references == null) {
                        return false;
                    }
                    servicePid[0] = references[0].getProperty(Constants.SERVICE_PID);
                    return true;
                } catch (org.osgi.framework.InvalidSyntaxException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals("service.pid of the provisioner's ConfigurableComponent service", DpsProvisionerConfiguration.PID,
                    servicePid[0]);
        } finally {
            configuration.delete();
        }
    }

    private Bundle provisioningBundle() {
        return KuraStack.provisioningBundle(context);
    }
}
