package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.TestConfigs.registration;
import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.protocol.RegistrationSettings;

/**
 * The form the Kura web UI shows is the metatype bnd generated; it must say what the validation does: the same
 * ids, defaults, bounds (accepted at both ends, refused just outside) and option values.
 */
class MetatypeAgreementTest {

    private static final String METATYPE = "/OSGI-INF/metatype/" + DpsProvisioner.PID + ".xml";
    private static final Map<String, Element> ATTRIBUTES = new LinkedHashMap<>();

    @BeforeAll
    static void readTheGeneratedMetatype() throws Exception {
        try (InputStream xml = MetatypeAgreementTest.class.getResourceAsStream(METATYPE)) {
            assertThat(xml).as("%s, written by bnd at process-classes", METATYPE).isNotNull();
            NodeList ads = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml)
                    .getElementsByTagName("AD");
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                ATTRIBUTES.put(ad.getAttribute("id"), ad);
            }
        }
        assertThat(ATTRIBUTES).isNotEmpty();
    }

    @Test
    void theFormHasExactlyTheFieldsTheValidationNames() throws Exception {
        Set<String> validated = new TreeSet<>();
        for (Field field : ProvisioningConfig.class.getDeclaredFields()) {
            if (field.getName().startsWith("F_") && Modifier.isStatic(field.getModifiers())) {
                validated.add((String) field.get(null));
            }
        }
        assertThat(new TreeSet<>(ATTRIBUTES.keySet())).isEqualTo(validated);
    }

    @Test
    void defaultsAreTheAnnotationsAndTheProtocolCoresOwn() throws Exception {
        for (Method method : DpsProvisionerConfig.class.getDeclaredMethods()) {
            Element ad = ATTRIBUTES.get(method.getName().replace('_', '.'));
            assertThat(ad).as(method.getName()).isNotNull();
            assertThat(ad.getAttribute("default")).as(method.getName())
                    .isEqualTo(String.valueOf(method.getDefaultValue()));
        }
        ProvisioningConfig.Registration defaults = registration(valid());
        RegistrationSettings settings = defaults.settings;
        assertThat(settings.sasLifetime()).isEqualTo(RegistrationSettings.DEFAULT_SAS_LIFETIME)
                .isEqualTo(seconds("sas.lifetime.seconds"));
        assertThat(settings.responseTimeout()).isEqualTo(RegistrationSettings.DEFAULT_RESPONSE_TIMEOUT)
                .isEqualTo(seconds("response.timeout.seconds"));
        assertThat(settings.overallDeadline()).isEqualTo(RegistrationSettings.DEFAULT_OVERALL_DEADLINE)
                .isEqualTo(seconds("deadline.seconds"));
        assertThat(settings.maxRetryAfter()).isEqualTo(RegistrationSettings.DEFAULT_MAX_RETRY_AFTER)
                .isEqualTo(seconds("max.retry.after.seconds"));
        assertThat(settings.backoffMax()).isEqualTo(RegistrationSettings.DEFAULT_BACKOFF_MAX)
                .isEqualTo(seconds("backoff.max.seconds"));
        assertThat(settings.backoffBase()).isEqualTo(RegistrationSettings.DEFAULT_BACKOFF_BASE);
        assertThat(defaults.timing.retryPauseMax).isEqualTo(seconds("retry.pause.max.seconds"));
        assertThat(settings.apiVersion()).isEqualTo(ApiVersions.DEFAULT)
                .isEqualTo(ATTRIBUTES.get("api.version").getAttribute("default"));
        assertThat(ATTRIBUTES.get("api.version").getAttribute("description")).contains(ApiVersions.KNOWN);
    }

    @Test
    void everyBoundIsAcceptedAtBothEndsAndRefusedJustOutside() throws Exception {
        List<String> bounded = new ArrayList<>();
        for (Element ad : ATTRIBUTES.values()) {
            if (ad.getAttribute("min").isEmpty() && ad.getAttribute("max").isEmpty()) {
                continue;
            }
            String id = ad.getAttribute("id");
            bounded.add(id);
            int min = Integer.parseInt(ad.getAttribute("min"));
            int max = Integer.parseInt(ad.getAttribute("max"));
            for (int inside : new int[] { min, max }) {
                assertThat(ProvisioningConfig.from(withOnly(id, inside), null).registration()).as("%s=%d", id, inside)
                        .isPresent();
            }
            String unit = id.endsWith(".seconds") ? " s" : "";
            for (int outside : new int[] { min - 1, max + 1 }) {
                assertThatThrownBy(() -> ProvisioningConfig.from(withOnly(id, outside), null)).as("%s=%d", id, outside)
                        .isInstanceOf(InvalidConfigurationException.class)
                        .hasMessage(id + ": " + outside + unit + " is outside " + min + ".." + max + unit);
            }
        }
        assertThat(bounded).containsExactlyInAnyOrder("sas.lifetime.seconds", "response.timeout.seconds",
                "max.retry.after.seconds", "backoff.max.seconds", "deadline.seconds", "retry.pause.max.seconds",
                "proxy.port", "certificate.renew.before.hours");
    }

    @Test
    void optionValuesAreTheEnumsValues() throws Exception {
        assertOptions("attestation", values(ProvisioningConfig.Attestation.values()));
        assertOptions("enrollment.kind", values(ProvisioningConfig.EnrollmentKind.values()));
        assertOptions("transport", Arrays.stream(MqttTransport.values()).map(MqttTransport::option)
                .collect(Collectors.toList()));
        assertOptions("reprovision.policy", values(ProvisioningConfig.ReprovisionPolicy.values()));
        assertOptions("certificate.key.type", values(ProvisioningConfig.KeyType.values()));
    }

    private static List<String> values(ProvisioningConfig.OptionValue[] constants) {
        return Arrays.stream(constants).map(ProvisioningConfig.OptionValue::value).collect(Collectors.toList());
    }

    private static void assertOptions(String id, List<String> expected) throws Exception {
        NodeList options = ATTRIBUTES.get(id).getElementsByTagName("Option");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < options.getLength(); i++) {
            values.add(((Element) options.item(i)).getAttribute("value"));
        }
        assertThat(values).as(id).containsExactlyElementsOf(expected);
        for (String value : values) {
            // X.509 needs a client identity to be valid; the option itself is what is checked here.
            if (!value.equals(DpsProvisionerConfig.ATTESTATION_X509)) {
                // Certificate fields are read only when a certificate is requested.
                DpsProvisionerConfig config = id.startsWith("certificate.") ? valid(id, value, "certificate.issuance",
                        true, "certificate.keystore.service.pid", "DeviceKeystore") : valid(id, value);
                assertThat(ProvisioningConfig.from(config, null).registration()).as(value).isPresent();
            }
        }
    }

    /** A valid configuration with one number changed; the other timing values make room for it. */
    private static DpsProvisionerConfig withOnly(String id, int value) {
        if (id.equals("proxy.port")) {
            // Read only when a proxy host is set.
            return valid(id, value, "proxy.host", "proxy.example.com");
        }
        if (id.equals("certificate.renew.before.hours")) {
            // Read only when a certificate is requested.
            return valid(id, value, "certificate.issuance", true, "certificate.keystore.service.pid", "DeviceKeystore");
        }
        if (id.equals("response.timeout.seconds")) {
            return valid(id, value, "deadline.seconds", DpsProvisionerConfig.DEADLINE_MAX);
        }
        return valid(id, value, "response.timeout.seconds", DpsProvisionerConfig.RESPONSE_TIMEOUT_MIN);
    }

    private static Duration seconds(String id) {
        return Duration.ofSeconds(Long.parseLong(ATTRIBUTES.get(id).getAttribute("default")));
    }
}
