package io.kuradps.provisioning.component;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the assignment cache lives. Kura starts Equinox with {@code osgi.clean=true}, which wipes every bundle's
 * data area at each gateway start, so the cache goes under Kura's data directory
 * ({@link SystemService#getKuraDataDirectory()}, typically {@code /opt/eclipse/kura/data}) in a folder of ours. The
 * bundle data area serves only where there is no SystemService (a plain OSGi framework) or it names no directory,
 * and the working directory where the framework has no data area either.
 */
final class CacheLocation {

    static final String FOLDER = "kura-dps";
    static final String FILE_NAME = "assignment.json";

    private static final Logger LOG = LoggerFactory.getLogger(CacheLocation.class);

    private CacheLocation() {
    }

    /**
     * The store for one activation. Under Kura's data directory it first takes over a cache an earlier version left
     * in the bundle data area (see {@link AssignmentStore#AssignmentStore(Path, Path)}).
     *
     * @param systemService Kura's SystemService, or null when there is none
     */
    static AssignmentStore store(SystemService systemService, BundleContext context) {
        File dataAreaFile = context.getDataFile(FILE_NAME);
        Path bundleArea = dataAreaFile == null ? null : dataAreaFile.toPath();
        Path kuraDirectory = kuraDataDirectory(systemService);
        if (kuraDirectory != null) {
            Path file = kuraDirectory.resolve(FOLDER).resolve(FILE_NAME);
            LOG.info("Assignment cache: {} (under Kura's data directory, kept across reboots)", file);
            return new AssignmentStore(file, bundleArea);
        }
        String why = systemService == null ? "there is no Kura SystemService"
                : "Kura's SystemService gives no usable data directory";
        if (bundleArea != null) {
            LOG.info("Assignment cache: {} (the bundle data area, since {}; a framework started with osgi.clean=true, "
                    + "as Kura is, wipes it at every start)", bundleArea, why);
            return new AssignmentStore(bundleArea);
        }
        Path file = Paths.get(FILE_NAME);
        LOG.info("Assignment cache: {} (the working directory, since {} and the framework has no data area)",
                file.toAbsolutePath(), why);
        return new AssignmentStore(file);
    }

    /** Kura's data directory, or null when there is no SystemService or it gives no usable directory. */
    static Path kuraDataDirectory(SystemService systemService) {
        if (systemService == null) {
            return null;
        }
        String directory;
        try {
            directory = systemService.getKuraDataDirectory();
        } catch (RuntimeException e) {
            LOG.warn("Kura's SystemService failed to give its data directory ({})", e.toString());
            return null;
        }
        if (directory == null || directory.trim().isEmpty()) {
            return null;
        }
        try {
            return Paths.get(directory.trim());
        } catch (InvalidPathException e) {
            LOG.warn("Kura's data directory '{}' is not a valid path", directory);
            return null;
        }
    }
}
