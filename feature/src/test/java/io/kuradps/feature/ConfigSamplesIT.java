package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The samples in config/ name only properties the built bundle's metatype defines, with the metatype's
 * types: a renamed property must not leave a sample that Kura or the runtime would reject or ignore.
 */
public class ConfigSamplesIT {

    private static final String PID = "io.kuradps.provisioning.DpsProvisioner";
    private static final String HUB_CONNECTION_PID = "io.kuradps.provisioning.HubConnection";
    /** Set by Kura itself (and by the runtime's seeder), not by the metatype. */
    private static final Set<String> KURA_PROPERTIES = Set.of("kura.service.pid", "service.pid");
    private static final String ESF_NAMESPACE = "http://eurotech.com/esf/2.0";
    /** The type names Kura's snapshot reader knows; it drops a property of any other type without a word. */
    private static final Set<String> KURA_SNAPSHOT_TYPES = Set.of("String", "Long", "Double", "Float", "Integer",
            "Byte", "Char", "Boolean", "Short", "Password");

    private final Map<String, String> metatypeTypes = metatypeTypes(PID);

    /** Each {@code kura.service.pid} line starts the configuration of that PID, as the runtime's seeder reads them. */
    @Test
    public void runtimeConfigurationsUseMetatypeProperties() throws IOException {
        for (String sample : new String[] { "runtime-demo.properties", "dps-real.properties" }) {
            String text = Files.readString(KuraStack.configDirectory().resolve(sample), StandardCharsets.UTF_8);
            List<String> pids = new ArrayList<>();
            for (String section : text.split("(?m)^(?=kura\\.service\\.pid=)")) {
                Properties properties = new Properties();
                properties.load(new StringReader(section));
                String pid = properties.getProperty("kura.service.pid");
                if (pid == null) {
                    assertThat(properties).as(sample + ": properties before the first kura.service.pid").isEmpty();
                    continue;
                }
                pids.add(pid);
                Map<String, String> types = metatypeTypes(pid);
                for (String key : properties.stringPropertyNames()) {
                    if (!KURA_PROPERTIES.contains(key)) {
                        assertThat(types).as(sample + " names " + key + " of " + pid).containsKey(key);
                    }
                }
            }
            assertThat(pids).as(sample).containsExactly(PID, HUB_CONNECTION_PID);
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

    /**
     * Reads the fragment as Kura's snapshot reader does (feature/README.md lists its rules and where they are in
     * Kura's sources), failing wherever Kura would fail or silently drop a value.
     */
    @Test
    public void snapshotFragmentHasTheStructureKurasSnapshotReaderExpects() throws Exception {
        Path fragment = KuraStack.configDirectory().resolve("kura-snapshot-fragment.xml");
        // Kura parses without namespace awareness and looks elements up by their literal "esf:" names.
        Document literal = parse(Files.newInputStream(fragment), false);
        Element root = literal.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("esf:configurations");
        assertThat(root.getAttribute("xmlns:esf")).isEqualTo(ESF_NAMESPACE);
        assertThat(parse(Files.newInputStream(fragment)).getDocumentElement().getNamespaceURI()).isEqualTo(ESF_NAMESPACE);

        NodeList configurations = literal.getElementsByTagName("esf:configuration");
        assertThat(configurations.getLength()).isEqualTo(1);
        Element configuration = (Element) configurations.item(0);
        assertThat(configuration.getAttribute("pid")).isEqualTo(PID);
        // Kura takes the properties from the configuration's last child element, whatever its name.
        List<Element> sections = childElements(configuration);
        assertThat(sections).extracting(Element::getTagName).containsExactly("esf:properties");

        Map<String, Object> read = new HashMap<>();
        for (Element property : childElements(sections.get(0))) {
            String name = property.getAttribute("name");
            assertThat(property.getTagName()).as(name).isEqualTo("esf:property");
            assertThat(name).isNotEmpty();
            String type = property.getAttribute("type");
            assertThat(KURA_SNAPSHOT_TYPES).as("type of " + name).contains(type);
            // Kura reads both with Boolean.parseBoolean: a missing or misspelt attribute is silently false.
            assertThat(property.getAttribute("array")).as("array of " + name).isEqualTo("false");
            assertThat(property.getAttribute("encrypted")).as("encrypted of " + name).isEqualTo("false");
            // Kura reads the first child element's text of a single value: none fails the whole snapshot.
            List<Element> values = childElements(property);
            assertThat(values).as("values of " + name).extracting(Element::getTagName).containsExactly("esf:value");
            read.put(name, kuraValue(name, type, values.get(0).getTextContent()));
        }
        assertThat(read).containsEntry("enabled", true).containsEntry("kura.service.pid", PID)
                .containsEntry("service.pid", PID).containsKeys("id.scope", "registration.id", "symmetric.key");
    }

    /** Kura's conversion of a single snapshot value; a value that it cannot convert fails the whole snapshot. */
    private static Object kuraValue(String name, String type, String text) {
        switch (type) {
        case "Boolean":
            // Boolean.parseBoolean would take any other text for false.
            assertThat(text).as(name).isIn("true", "false");
            return Boolean.parseBoolean(text);
        case "Integer":
            return Integer.parseInt(text);
        case "Long":
            return Long.parseLong(text);
        default:
            return text;
        }
    }

    private static List<Element> childElements(Element parent) {
        List<Element> elements = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) children.item(i));
            }
        }
        return elements;
    }

    private static Map<String, String> metatypeTypes(String pid) {
        Path bundle = KuraStack.bundles().resolve("io.kuradps.provisioning.jar");
        try (JarFile jar = new JarFile(bundle.toFile())) {
            Document metatype = parse(jar.getInputStream(jar.getEntry("OSGI-INF/metatype/" + pid + ".xml")));
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
        return parse(in, true);
    }

    private static Document parse(InputStream in, boolean namespaceAware) throws Exception {
        try (in) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(namespaceAware);
            return factory.newDocumentBuilder().parse(in);
        }
    }
}
