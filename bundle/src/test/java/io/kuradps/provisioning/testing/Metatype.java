package io.kuradps.provisioning.testing;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The metatype bnd generated (OSGI-INF/metatype/{pid}.xml at process-classes): the form the Kura web UI shows. */
public final class Metatype {

    private static final String FOLDER = "OSGI-INF/metatype/";

    private Metatype() {
    }

    /** The PIDs of every generated metatype, i.e. of every component with a form. */
    public static Set<String> generatedPids() throws Exception {
        URL folder = Metatype.class.getClassLoader().getResource(FOLDER);
        if (folder == null || !"file".equals(folder.getProtocol())) {
            throw new AssertionError(FOLDER + " is not a folder of the build's classes: " + folder);
        }
        Set<String> pids = new TreeSet<>();
        for (File file : new File(folder.toURI()).listFiles((dir, name) -> name.endsWith(".xml"))) {
            pids.add(file.getName().substring(0, file.getName().length() - ".xml".length()));
        }
        return pids;
    }

    /** The attribute definitions of a PID's form, by id, in the form's order. */
    public static Map<String, Element> attributes(String pid) throws Exception {
        String path = "/" + FOLDER + pid + ".xml";
        Map<String, Element> attributes = new LinkedHashMap<>();
        try (InputStream xml = Metatype.class.getResourceAsStream(path)) {
            if (xml == null) {
                throw new AssertionError(path + " is missing; bnd writes it at process-classes");
            }
            NodeList ads = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml)
                    .getElementsByTagName("AD");
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                attributes.put(ad.getAttribute("id"), ad);
            }
        }
        return attributes;
    }

    /** The option values an attribute offers, in order; empty when it offers none. */
    public static List<String> options(Element attribute) {
        NodeList options = attribute.getElementsByTagName("Option");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < options.getLength(); i++) {
            values.add(((Element) options.item(i)).getAttribute("value"));
        }
        return values;
    }
}
