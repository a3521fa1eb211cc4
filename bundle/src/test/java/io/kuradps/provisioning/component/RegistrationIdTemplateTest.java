package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.Test;

class RegistrationIdTemplateTest {

    private static final SystemService GATEWAY = SystemServices.answering(Map.of(
            "getSerialNumber", "SN-00042", "getPrimaryMacAddress", "B8:27:EB:12:34:56", "getHostname", "Edge-7"));

    @Test
    void placeholdersAreFilledFromTheSystemServiceAndLowercased() throws Exception {
        assertThat(RegistrationIdTemplate.resolve("${serial}", GATEWAY)).isEqualTo("sn-00042");
        assertThat(RegistrationIdTemplate.resolve("gw-${mac}", GATEWAY)).isEqualTo("gw-b8:27:eb:12:34:56");
        assertThat(RegistrationIdTemplate.resolve("${hostname}.${serial}", GATEWAY)).isEqualTo("edge-7.sn-00042");
    }

    @Test
    void aPlainIdIsTakenAsWrittenWithoutASystemService() throws Exception {
        assertThat(RegistrationIdTemplate.resolve("gateway-1", null)).isEqualTo("gateway-1");
        assertThat(RegistrationIdTemplate.isTemplate("gateway-1")).isFalse();
        assertThat(RegistrationIdTemplate.isTemplate("gw-${serial}")).isTrue();
    }

    @Test
    void aResolvedValueThatIsNoRegistrationIdIsShown() {
        SystemService spaced = SystemServices.answering(Map.of("getSerialNumber", "AB C"));

        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("${serial}", spaced))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("registration.id: '${serial}' resolved to 'ab c', which may contain only lowercase "
                        + "letters, digits and - . _ :");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("Gw-${serial}", GATEWAY))
                .hasMessageStartingWith("registration.id: 'Gw-${serial}' resolved to 'Gw-sn-00042', which may");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("${serial}" + "x".repeat(125), GATEWAY))
                .hasMessageContaining("has 133 characters; at most 128 are allowed");
    }

    @Test
    void anUnknownPlaceholderOrAMissingSystemServiceIsNamed() {
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${imei}", GATEWAY))
                .hasMessage("registration.id: 'gw-${imei}': ${imei} is not a placeholder; use ${serial}, ${mac}, "
                        + "${hostname}");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${serial}", null))
                .hasMessage("registration.id: 'gw-${serial}': needs Kura's SystemService for ${serial}, and there is "
                        + "none");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${serial", GATEWAY))
                .hasMessage("registration.id: 'gw-${serial': has a ${ without its closing }");
    }

    @Test
    void aValueKuraDoesNotKnowIsRefusedRatherThanSharedByTheFleet() {
        Map<String, String> answers = new HashMap<>();
        answers.put("getSerialNumber", SystemService.UNKNOWN);
        answers.put("getPrimaryMacAddress", null);
        answers.put("getHostname", " ");
        SystemService unknowing = SystemServices.answering(answers);

        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${serial}", unknowing))
                .hasMessageStartingWith("registration.id: 'gw-${serial}': Kura's SystemService gives no serial number");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${mac}", unknowing))
                .hasMessageContaining("gives no primary MAC address");
        assertThatThrownBy(() -> RegistrationIdTemplate.resolve("gw-${hostname}", unknowing))
                .hasMessageContaining("gives no host name");
    }
}
