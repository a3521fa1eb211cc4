package io.kuradps.runtime.support.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.eclipse.kura.system.SystemService;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class StandInSystemServiceTest {

    private static final Bundle[] NO_BUNDLES = new Bundle[0];

    @Test
    void answersKurasIdentityAndDataDirectoryFromFrameworkProperties() {
        SystemService system = systemService(Map.of(
                "kura.data", "/opt/eclipse/kura/data",
                "kura.serialNumber", "SN-0042",
                "kuradps.standin.primaryMacAddress", "aa-bb-cc-0d-ee-ff",
                "kuradps.standin.hostname", "gw-17"));

        assertThat(system.getKuraDataDirectory()).isEqualTo("/opt/eclipse/kura/data");
        assertThat(system.getSerialNumber()).isEqualTo("SN-0042");
        assertThat(system.getPrimaryMacAddress()).isEqualTo("AA:BB:CC:0D:EE:FF");
        assertThat(system.getHostname()).isEqualTo("gw-17");
        assertThat(system.getProperties()).containsOnly(Map.entry("kura.data", "/opt/eclipse/kura/data"),
                Map.entry("kura.serialNumber", "SN-0042"));
    }

    @Test
    void unsetValuesAreWhatKuraAnswersWhenItDoesNotKnow() {
        SystemService system = systemService(Map.of());

        assertThat(system.getKuraDataDirectory()).isNull();
        assertThat(system.getSerialNumber()).isEqualTo(SystemService.UNKNOWN);
        assertThat(system.getHostname()).isEqualTo(SystemService.UNKNOWN);
        assertThat(system.getPrimaryMacAddress()).isNull();
        assertThat(system.getProperties()).isEmpty();
    }

    @Test
    void malformedMacAddressIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> systemService(Map.of("kuradps.standin.primaryMacAddress", "AA:BB:CC:DD:EE")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kuradps.standin.primaryMacAddress: 'AA:BB:CC:DD:EE' is not a MAC address of six hex "
                        + "pairs like AA:BB:CC:DD:EE:FF");
        assertThatThrownBy(() -> systemService(Map.of("kuradps.standin.primaryMacAddress", "GG:BB:CC:DD:EE:FF")))
                .hasMessageContaining("'GG:BB:CC:DD:EE:FF'");
    }

    @Test
    void frameworkAndJvmFactsComeFromWhereKuraReadsThem() {
        SystemService system = systemService(Map.of("org.osgi.framework.vendor", "Eclipse",
                "org.osgi.framework.version", "1.10.0"));

        assertThat(system.getOsgiFwName()).isEqualTo("Eclipse");
        assertThat(system.getOsgiFwVersion()).isEqualTo("1.10.0");
        assertThat(system.getJavaHome()).isEqualTo(System.getProperty("java.home"));
        assertThat(system.getNumberOfProcessors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(system.getBundles()).isSameAs(NO_BUNDLES);
        assertThat(system.getKuraSnapshotsCount()).isEqualTo(10);
    }

    @Test
    void whatNeedsKuraItselfFailsSayingSo() {
        SystemService system = systemService(Map.of());

        assertThatThrownBy(system::getSystemPackages).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("package manager");
        assertThatThrownBy(system::getKuraMarketplaceCompatibilityVersion)
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Kura version");
    }

    private static StandInSystemService systemService(Map<String, String> frameworkProperties) {
        return new StandInSystemService(frameworkProperties::get, () -> NO_BUNDLES);
    }
}
