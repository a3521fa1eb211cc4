package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.TestConfigs.registration;
import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

import io.kuradps.provisioning.device.DeviceTwinForm;
import io.kuradps.provisioning.hub.HubConnectionForm;
import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.proxy.ProxySslManagerForm;
import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.testing.FormValidation;
import io.kuradps.provisioning.testing.Metatype;

/**
 * The form the Kura web UI shows is the metatype bnd generated; it must say what the validation does: the same
 * ids, defaults, bounds (accepted at both ends, refused just outside) and option values. For every component with a
 * form: the provisioner's in detail here, the others' through the {@link FormValidation} of their package.
 */
class MetatypeAgreementTest {

    private static final List<FormValidation> OTHER_FORMS = Arrays.asList(new HubConnectionForm(),
            new ProxySslManagerForm(), new DeviceTwinForm());
    private static Map<String, Element> ATTRIBUTES;

    @BeforeAll
    static void readTheGeneratedMetatype() throws Exception {
        ATTRIBUTES = Metatype.attributes(DpsProvisioner.PID);
        assertThat(ATTRIBUTES).isNotEmpty();
    }

    @Test
    void everyComponentsFormIsChecked() throws Exception {
        Set<String> checked = new TreeSet<>();
        checked.add(DpsProvisioner.PID);
        OTHER_FORMS.forEach(form -> checked.add(form.pid()));
        assertThat(Metatype.generatedPids()).isEqualTo(checked);
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
        List<String> values = Metatype.options(ATTRIBUTES.get(id));
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

    // ---- the other components' forms, through the validation of their package ------------------------------------

    static List<FormValidation> otherForms() {
        return OTHER_FORMS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherForms")
    void theFormHasExactlyTheFieldsTheValidationChecksOrSaysWhyNot(FormValidation form) throws Exception {
        Map<String, Element> attributes = Metatype.attributes(form.pid());
        assertThat(form.unvalidated()).doesNotContainAnyElementsOf(form.badValues().keySet());
        Set<String> known = new TreeSet<>(form.unvalidated());
        known.addAll(form.badValues().keySet());
        assertThat(new TreeSet<>(attributes.keySet())).isEqualTo(known);
        form.badValues().forEach((id, bad) -> assertThat(form.problem(Collections.singletonMap(id, bad)))
                .as("%s=%s", id, bad).hasValueSatisfying(message -> assertThat(message).startsWith(id + ": ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherForms")
    void defaultsAreTheAnnotationsAndTheValidationAcceptsThem(FormValidation form) throws Exception {
        Map<String, Element> attributes = Metatype.attributes(form.pid());
        for (Method method : form.form().getDeclaredMethods()) {
            Element ad = attributes.get(Configs.propertyId(method));
            assertThat(ad).as(method.getName()).isNotNull();
            assertThat(ad.getAttribute("default")).as(method.getName())
                    .isEqualTo(String.valueOf(method.getDefaultValue()));
        }
        assertThat(form.problem(Collections.emptyMap())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherForms")
    void everyBoundIsAcceptedAtBothEndsAndRefusedJustOutside(FormValidation form) throws Exception {
        for (Element ad : Metatype.attributes(form.pid()).values()) {
            if (ad.getAttribute("min").isEmpty() && ad.getAttribute("max").isEmpty()) {
                continue;
            }
            String id = ad.getAttribute("id");
            int min = Integer.parseInt(ad.getAttribute("min"));
            int max = Integer.parseInt(ad.getAttribute("max"));
            for (int inside : new int[] { min, max }) {
                assertThat(form.problem(Collections.singletonMap(id, inside))).as("%s=%d", id, inside).isEmpty();
            }
            for (int outside : new int[] { min - 1, max + 1 }) {
                assertThat(form.problem(Collections.singletonMap(id, outside))).as("%s=%d", id, outside)
                        .hasValueSatisfying(message -> assertThat(message).startsWith(id + ": ")
                                .contains(min + ".." + max));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherForms")
    void everyOptionIsAcceptedAndNoOther(FormValidation form) throws Exception {
        for (Element ad : Metatype.attributes(form.pid()).values()) {
            String id = ad.getAttribute("id");
            for (String option : Metatype.options(ad)) {
                assertThat(form.problem(Collections.singletonMap(id, option))).as("%s=%s", id, option).isEmpty();
            }
            if (!Metatype.options(ad).isEmpty()) {
                assertThat(form.problem(Collections.singletonMap(id, "not-an-option"))).as(id).hasValueSatisfying(
                        message -> assertThat(message).startsWith(id + ": ").contains(String.join(", ",
                                Metatype.options(ad))));
            }
        }
    }
}
