package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.junit.Test;

/** What Kura's DeploymentAdmin reads from the .dp, and what must never be in it. */
public class DeploymentPackageContentIT {

    private final Path dp = KuraStack.deploymentPackage();

    @Test
    public void manifestNamesThePackageAndOnlyOurBundle() throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(this.dp))) {
            Manifest manifest = in.getManifest();
            assertThat(manifest).as("a .dp starts with its manifest").isNotNull();
            Attributes main = manifest.getMainAttributes();
            assertThat(main.getValue("DeploymentPackage-SymbolicName")).isEqualTo("kura-dps");
            assertThat(main.getValue("DeploymentPackage-Version")).matches("\\d+\\.\\d+\\.\\d+(\\.[\\w-]+)?");

            Map<String, Attributes> sections = manifest.getEntries();
            assertThat(sections).hasSize(1);
            Map.Entry<String, Attributes> section = sections.entrySet().iterator().next();
            assertThat(section.getValue().getValue("Bundle-SymbolicName")).isEqualTo("io.kuradps.provisioning");
            assertThat(section.getValue().getValue("Bundle-Version")).isNotBlank();

            List<String> resources = new ArrayList<>();
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                resources.add(entry.getName());
            }
            assertThat(resources).containsExactly(section.getKey());
        }
    }

    @Test
    public void carriesNoKuraApiClassesAndEmbedsItsLibrariesPrivately() throws IOException {
        List<String> bundleEntries = new ArrayList<>();
        String exports;
        try (JarInputStream dpStream = new JarInputStream(Files.newInputStream(this.dp))) {
            dpStream.getNextJarEntry();
            JarInputStream bundle = new JarInputStream(dpStream);
            exports = String.valueOf(bundle.getManifest().getMainAttributes().getValue("Export-Package"));
            for (JarEntry entry = bundle.getNextJarEntry(); entry != null; entry = bundle.getNextJarEntry()) {
                bundleEntries.add(entry.getName());
            }
        }
        assertThat(bundleEntries).noneMatch(name -> name.startsWith("org/eclipse/kura/"));
        assertThat(exports).doesNotContain("org.eclipse.kura", "org.eclipse.paho", "com.fasterxml.jackson");
        System.out.printf("%s: %d bytes, %d entries in its only bundle%n", this.dp.getFileName(), Files.size(this.dp),
                bundleEntries.size());
    }
}
