package io.kuradps.runtime.support.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class ConfigurationSectionsTest {

    @Test
    void aFileWithOnePidReadsAsAPropertiesFile() throws Exception {
        Map<String, Properties> sections = ConfigurationSections.read("demo.properties",
                "# comment\nkura.service.pid = io.kuradps.provisioning.DpsProvisioner\nenabled=true\nid.scope: 0ne1\n");

        assertThat(sections).containsOnlyKeys("io.kuradps.provisioning.DpsProvisioner");
        assertThat(sections.get("io.kuradps.provisioning.DpsProvisioner")).containsOnly(
                Map.entry("kura.service.pid", "io.kuradps.provisioning.DpsProvisioner"), Map.entry("enabled", "true"),
                Map.entry("id.scope", "0ne1"));
    }

    @Test
    void eachPidLineStartsASectionAndALaterSectionOfThePidOverridesTheEarlierValues() throws Exception {
        Map<String, Properties> sections = ConfigurationSections.read("demo.properties", String.join("\n",
                "kura.service.pid=a.First", "enabled=true", "", "kura.service.pid=b.Second", "enabled=true",
                "token.lifetime.seconds=3600", "kura.service.pid=b.Second", "token.lifetime.seconds=30"));

        assertThat(sections.keySet()).containsExactly("a.First", "b.Second");
        assertThat(sections.get("a.First")).containsEntry("enabled", "true").hasSize(2);
        assertThat(sections.get("b.Second")).containsEntry("enabled", "true")
                .containsEntry("token.lifetime.seconds", "30");
    }

    @Test
    void aContinuedValueOrACommentMentioningThePidKeyStartsNoSection() throws Exception {
        Map<String, Properties> sections = ConfigurationSections.read("demo.properties", String.join("\n",
                "kura.service.pid=a.First", "# kura.service.pid=not.a.Section", "custom.payload=one \\",
                "kura.service.pid=still the value"));

        assertThat(sections).containsOnlyKeys("a.First");
        assertThat(sections.get("a.First")).containsEntry("custom.payload", "one kura.service.pid=still the value");
    }

    @Test
    void aPropertyBeforeAnyPidOrAFileWithoutOneIsRefusedNamingTheFile() {
        assertThatThrownBy(() -> ConfigurationSections.read("x.properties", "enabled=true\nkura.service.pid=a.B\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x.properties: 'enabled' comes before the first kura.service.pid");
        assertThatThrownBy(() -> ConfigurationSections.read("x.properties", "# nothing\n"))
                .hasMessage("x.properties: missing kura.service.pid");
        assertThatThrownBy(() -> ConfigurationSections.read("x.properties", "kura.service.pid=\n"))
                .hasMessage("x.properties: empty kura.service.pid");
    }
}
