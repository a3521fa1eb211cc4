package io.kuradps.feature;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * Writes deployment packages for tests: another add-on that ships its own copies of third-party bundles,
 * built the way osgi-dp builds ours (manifest first, one Name section per bundle).
 */
public final class DeploymentPackages {

    private DeploymentPackages() {
    }

    public static Path write(Path target, String symbolicName, String version, List<Path> bundles)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("DeploymentPackage-SymbolicName", symbolicName);
        manifest.getMainAttributes().putValue("DeploymentPackage-Version", version);
        for (Path bundle : bundles) {
            Attributes bundleManifest = mainAttributes(bundle);
            Attributes section = new Attributes();
            section.putValue("Bundle-SymbolicName", bundleManifest.getValue("Bundle-SymbolicName").split(";")[0].trim());
            section.putValue("Bundle-Version", bundleManifest.getValue("Bundle-Version"));
            manifest.getEntries().put(entryName(bundle), section);
        }
        try (OutputStream file = Files.newOutputStream(target);
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            for (Path bundle : bundles) {
                jar.putNextEntry(new ZipEntry(entryName(bundle)));
                try (InputStream in = Files.newInputStream(bundle)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return target;
    }

    public static Attributes mainAttributes(Path bundle) throws IOException {
        try (JarFile jar = new JarFile(bundle.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw new IOException(bundle + " has no manifest");
            }
            return manifest.getMainAttributes();
        }
    }

    private static String entryName(Path bundle) {
        return "bundles/" + bundle.getFileName();
    }
}
