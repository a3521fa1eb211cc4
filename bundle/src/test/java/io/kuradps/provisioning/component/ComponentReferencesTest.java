package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * How the provisioner's references are declared in the component description bnd generates, which decides what DS
 * does when Kura's services come and go. A static reference makes DS deactivate the component when its service
 * leaves, and activate it again without it: that is what Kura's stop did to it (its SystemService leaves first), so
 * the component then started over on the bundle's data area, without a CryptoService, and failed.
 */
class ComponentReferencesTest {

    private static final String DESCRIPTION = "/OSGI-INF/" + DpsProvisioner.PID + ".xml";
    private static final Map<String, Element> REFERENCES = new LinkedHashMap<>();

    @BeforeAll
    static void readTheGeneratedDescription() throws Exception {
        try (InputStream xml = ComponentReferencesTest.class.getResourceAsStream(DESCRIPTION)) {
            assertThat(xml).as(DESCRIPTION).isNotNull();
            NodeList references = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml)
                    .getElementsByTagName("reference");
            for (int i = 0; i < references.getLength(); i++) {
                Element reference = (Element) references.item(i);
                REFERENCES.put(reference.getAttribute("name"), reference);
            }
        }
    }

    @Test
    void noServiceOfKuraThatMayLeaveFirstDeactivatesTheProvisioner() {
        for (String name : new String[] { "systemService", "cryptoService", "configurationService",
            "configurationAdmin", "eventAdmin" }) {
            Element reference = REFERENCES.get(name);
            assertThat(reference).as(name).isNotNull();
            assertThat(reference.getAttribute("cardinality")).as(name + " is optional").isEqualTo("0..1");
            assertThat(reference.getAttribute("policy")).as(name + " comes and goes without a restart")
                    .isEqualTo("dynamic");
            assertThat(reference.getAttribute("policy-option")).as(name + " takes the best one").isEqualTo("greedy");
            assertThat(reference.getAttribute("unbind").isEmpty() && reference.getAttribute("field").isEmpty())
                    .as(name + " is told when it leaves").isFalse();
        }
    }

    @Test
    void everyKeystoreServiceIsFollowedSoThatALateOneLetsAWaitingRunGoOn() {
        Element keystores = REFERENCES.get("keystoreService");
        assertThat(keystores).isNotNull();
        assertThat(keystores.getAttribute("cardinality")).isEqualTo("0..n");
        assertThat(keystores.getAttribute("policy")).isEqualTo("dynamic");
    }
}
