package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The samples in config/ name only properties the built bundle's metatype defines, with the metatype's
 * types: a renamed property must not leave a sample that Kura or the runtime would reject or ignore.
 */
public class ConfigSamplesIT {

    private static final String PID = "io.kuradps.provisioning.DpsProvisioner";
    /** Set by Kura itself (and by the runtime's seeder), not by the metatype. */
    private static final Set<String> KURA_PROPERTIES = Set.of("kura.service.pid", "service.pid");

    private final Map<String, String> metatypeTypes = metatypeTypes();

    @Test
    public void runtimeConfigurationsUseMetatypeProperties() throws IOException {
        for (String sample : new String[] { "runtime-demo.properties", "dps-real.properties" }) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(KuraStack.configDirectory().resolve(sample),
                    StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            assertThat(properties.getProperty("kura.service.pid")).as(sample).isEqualTo(PID);
            for (String key : properties.stringPropertyNames()) {
                if (!KURA_PROPERTIES.contains(key)) {
                    assertThat(this.metatypeTypes).as(sample + " names " + key).containsKey(key);
                }
            }
        }
    }

    @Test
    public void snapshotFragmentUsesMetatypePropertiesAndTypes() throws Exception {
        Document snapshot = parse(Files.newInputStream(KuraStack.configDirectory().resolve("kura-snapshot-fragment.xml")));
        NodeList configurations = snapshot.getElementsByTagNameNS("http://eurotech.com/esf/2.0", "configuration");
        assertThat(configurations.getLength()).isEqualTo(1);
        Element configuration = (Element) configurations.item(0);
        assertThat(configuration.getAttribute("pid")).isEqualTo(PID);

        NodeList properties = configuration.getElementsByTagNameNS("http://eurotech.com/esf/2.0", "property");
        assertThat(properties.getLength()).isGreaterThan(0);
        for (int i = 0; i < properties.getLength(); i++) {
            Element property = (Element) properties.item(i);
            String name = property.getAttribute("name");
            if (KURA_PROPERTIES.contains(name)) {
                continue;
            }
            assertThat(this.metatypeTypes).as("snapshot property " + name).containsKey(name);
            assertThat(property.getAttribute("type")).as("type of " + name).isEqualTo(this.metatypeTypes.get(name));
        }
    }

    private static Map<String, String> metatypeTypes() {
        Path bundle = KuraStack.bundles().resolve("io.kuradps.provisioning.jar");
        try (JarFile jar = new JarFile(bundle.toFile())) {
            Document metatype = parse(jar.getInputStream(jar.getEntry("OSGI-INF/metatype/" + PID + ".xml")));
            NodeList definitions = metatype.getElementsByTagName("AD");
            Map<String, String> types = new HashMap<>();
            for (int i = 0; i < definitions.getLength(); i++) {
                Element definition = (Element) definitions.item(i);
                types.put(definition.getAttribute("id"), definition.getAttribute("type"));
            }
            return types;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the metatype of " + bundle, e);
        }
    }

    private static Document parse(InputStream in) throws Exception {
        try (in) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(in);
        }
    }
}
