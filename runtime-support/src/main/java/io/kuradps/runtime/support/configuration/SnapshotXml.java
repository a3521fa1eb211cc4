package io.kuradps.runtime.support.configuration;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.Password;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Kura's snapshot format (kura.md, "Pre-seeding configuration: the snapshot format"): {@code esf:configurations}
 * of {@code esf:configuration pid=...}, each with {@code esf:properties} of typed {@code esf:property} elements.
 * Password values are written as given (encrypted, when they went through the ConfigurationService) and marked
 * {@code encrypted="true"}, as Kura marks them.
 */
final class SnapshotXml {

    static final String ESF_NAMESPACE = "http://eurotech.com/esf/2.0";
    static final String OCD_NAMESPACE = "http://www.osgi.org/xmlns/metatype/v1.2.0";

    private static final Map<Class<?>, String> TYPE_NAMES = new LinkedHashMap<>();
    private static final Map<String, Function<String, Object>> PARSERS = new HashMap<>();
    private static final Map<String, Class<?>> ELEMENT_TYPES = new HashMap<>();

    static {
        type(String.class, "String", text -> text);
        type(Long.class, "Long", Long::valueOf);
        type(Double.class, "Double", Double::valueOf);
        type(Float.class, "Float", Float::valueOf);
        type(Integer.class, "Integer", Integer::valueOf);
        type(Byte.class, "Byte", Byte::valueOf);
        type(Character.class, "Char", text -> text.charAt(0));
        type(Boolean.class, "Boolean", Boolean::valueOf);
        type(Short.class, "Short", Short::valueOf);
        type(Password.class, "Password", Password::new);
    }

    private SnapshotXml() {
    }

    private static void type(Class<?> javaType, String name, Function<String, Object> parser) {
        TYPE_NAMES.put(javaType, name);
        PARSERS.put(name, parser);
        ELEMENT_TYPES.put(name, javaType);
    }

    /** The document; properties whose type Kura's format has no name for are left out. */
    static String write(List<ComponentConfiguration> configurations) {
        try {
            Document document = newBuilder().newDocument();
            Element root = document.createElementNS(ESF_NAMESPACE, "esf:configurations");
            root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:ocd", OCD_NAMESPACE);
            document.appendChild(root);
            for (ComponentConfiguration configuration : configurations) {
                Element element = document.createElementNS(ESF_NAMESPACE, "esf:configuration");
                element.setAttribute("pid", configuration.getPid());
                Element properties = document.createElementNS(ESF_NAMESPACE, "esf:properties");
                // Sorted, so that two snapshots of the same configuration are the same text; a tracked PID
                // without a configuration in ConfigAdmin has none (null) and is written without properties.
                Map<String, Object> values = configuration.getConfigurationProperties();
                for (Map.Entry<String, Object> property : (values == null ? new TreeMap<String, Object>()
                        : new TreeMap<>(values)).entrySet()) {
                    Element written = property(document, property.getKey(), property.getValue());
                    if (written != null) {
                        properties.appendChild(written);
                    }
                }
                element.appendChild(properties);
                root.appendChild(element);
            }
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter text = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(text));
            return text.toString();
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("the JDK cannot write XML", e);
        }
    }

    private static Element property(Document document, String name, Object value) {
        boolean array = value != null && value.getClass().isArray();
        Class<?> elementType = array ? boxed(value.getClass().getComponentType()) : value == null ? null
                : value.getClass();
        String typeName = TYPE_NAMES.get(elementType);
        if (typeName == null) {
            return null;
        }
        Element property = document.createElementNS(ESF_NAMESPACE, "esf:property");
        property.setAttribute("name", name);
        property.setAttribute("array", Boolean.toString(array));
        property.setAttribute("encrypted", Boolean.toString(elementType == Password.class));
        property.setAttribute("type", typeName);
        int count = array ? Array.getLength(value) : 1;
        for (int i = 0; i < count; i++) {
            Element text = document.createElementNS(ESF_NAMESPACE, "esf:value");
            text.setTextContent(String.valueOf(array ? Array.get(value, i) : value));
            property.appendChild(text);
        }
        return property;
    }

    /**
     * The configurations of a snapshot document, Password values as {@link Password}s of the stored text.
     *
     * @throws IOException when the text is not a snapshot, naming the line where it can
     */
    static List<ComponentConfiguration> read(String text) throws IOException {
        Document document;
        try {
            document = newBuilder().parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw new IOException("not a snapshot: line " + e.getLineNumber() + ": " + e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("not a snapshot: " + e.getMessage());
        }
        Element root = document.getDocumentElement();
        if (!ESF_NAMESPACE.equals(root.getNamespaceURI()) || !"configurations".equals(root.getLocalName())) {
            throw new IOException("not a snapshot: the root element is not esf:configurations");
        }
        List<ComponentConfiguration> configurations = new ArrayList<>();
        for (Element configuration : children(root, "configuration")) {
            String pid = configuration.getAttribute("pid");
            Map<String, Object> properties = new HashMap<>();
            for (Element group : children(configuration, "properties")) {
                for (Element property : children(group, "property")) {
                    properties.put(property.getAttribute("name"), value(pid, property));
                }
            }
            configurations.add(new StandInComponentConfiguration(pid, null, properties));
        }
        return configurations;
    }

    private static Object value(String pid, Element property) throws IOException {
        String name = property.getAttribute("name");
        String type = property.getAttribute("type");
        Function<String, Object> parser = PARSERS.get(type);
        if (parser == null) {
            throw new IOException("not a snapshot: " + pid + " property " + name + " has the unknown type " + type);
        }
        List<Element> values = children(property, "value");
        try {
            if (!Boolean.parseBoolean(property.getAttribute("array"))) {
                return parser.apply(values.isEmpty() ? "" : values.get(0).getTextContent());
            }
            Object array = Array.newInstance(ELEMENT_TYPES.get(type), values.size());
            for (int i = 0; i < values.size(); i++) {
                Array.set(array, i, parser.apply(values.get(i).getTextContent()));
            }
            return array;
        } catch (RuntimeException e) {
            // The value is not quoted: it may be a secret.
            throw new IOException("not a snapshot: " + pid + " property " + name + " is not a valid " + type);
        }
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element && ESF_NAMESPACE.equals(node.getNamespaceURI())
                    && localName.equals(node.getLocalName())) {
                found.add((Element) node);
            }
        }
        return found;
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return Array.get(Array.newInstance(type, 1), 0).getClass();
    }

    private static DocumentBuilder newBuilder() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // A snapshot has no DTD; refusing one keeps entity expansion and external fetches out.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder();
    }
}
