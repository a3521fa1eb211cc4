package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

import io.kuradps.provisioning.api.Assignment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** Where the cache goes, and how the one an earlier version left in the bundle data area moves there. */
class CacheLocationTest {

    private static final AssignmentStore.Key KEY =
            new AssignmentStore.Key("0ne00000001", "gateway-1", "global.azure-devices-provisioning.net");
    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";

    @TempDir
    Path kuraData;
    @TempDir
    Path bundleArea;

    @Test
    void theCacheLivesInAFolderOfOursUnderKurasDataDirectory() throws Exception {
        AssignmentStore store = CacheLocation.store(SystemServices.withDataDirectory(kuraData.toString()),
                context(true));

        store.save(KEY, assignment(HUB_A));

        assertThat(store.file()).isEqualTo(kuraData.resolve("kura-dps").resolve("assignment.json"));
        assertThat(Files.exists(store.file())).isTrue();
        assertThat(bundleArea).isEmptyDirectory();
    }

    @Test
    void theBundleDataAreaServesOnlyWithoutAKuraDataDirectory() {
        assertThat(CacheLocation.store(null, context(true)).file()).isEqualTo(bundleFile());
        assertThat(CacheLocation.store(SystemServices.withDataDirectory(null), context(true)).file())
                .isEqualTo(bundleFile());
        assertThat(CacheLocation.store(SystemServices.withDataDirectory(" "), context(true)).file())
                .isEqualTo(bundleFile());
        assertThat(CacheLocation.store(SystemServices.answering(new HashMap<>()), context(true)).file())
                .as("a SystemService that fails to answer").isEqualTo(bundleFile());
        assertThat(CacheLocation.store(null, context(false)).file()).isEqualTo(Path.of("assignment.json"));
    }

    @Test
    void anEarlierVersionsCacheIsMovedOnUpgrade() throws Exception {
        new AssignmentStore(bundleFile()).save(KEY, assignment(HUB_A));

        AssignmentStore store = kuraStore();

        assertThat(store.load(KEY)).map(Assignment::assignedHub).contains(HUB_A);
        assertThat(Files.exists(store.file())).isTrue();
        assertThat(Files.exists(bundleFile())).as("moved, not copied").isFalse();
        assertThat(kuraStore().load(KEY)).as("after a reboot").map(Assignment::assignedHub).contains(HUB_A);
    }

    @Test
    void aFileAlreadyUnderKurasDataDirectoryWinsOverTheEarlierOne() throws Exception {
        // Both exist after a crash between the copy and the delete, or when an old version ran again meanwhile.
        kuraStore().save(KEY, assignment(HUB_B));
        new AssignmentStore(bundleFile()).save(KEY, assignment(HUB_A));

        AssignmentStore store = kuraStore();

        assertThat(store.load(KEY)).map(Assignment::assignedHub).contains(HUB_B);
        assertThat(Files.exists(bundleFile())).isFalse();
    }

    @Test
    void theMoveHappensBeforeTheFirstWriteToo() throws Exception {
        new AssignmentStore(bundleFile()).save(KEY, assignment(HUB_A));
        AssignmentStore store = kuraStore();

        store.save(KEY, assignment(HUB_B));

        assertThat(Files.exists(bundleFile())).isFalse();
        assertThat(store.load(KEY)).map(Assignment::assignedHub).contains(HUB_B);
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("assignment.json");
        }
    }

    @Test
    void anEarlierCacheThatCannotBeMovedStaysForTheNextStart() throws Exception {
        new AssignmentStore(bundleFile()).save(KEY, assignment(HUB_A));
        // Kura's data directory is unusable: a file stands where our folder would be created.
        Files.writeString(kuraData.resolve("kura-dps"), "not a directory");

        assertThat(kuraStore().load(KEY)).isEmpty();

        assertThat(new AssignmentStore(bundleFile()).load(KEY)).map(Assignment::assignedHub).contains(HUB_A);
    }

    private AssignmentStore kuraStore() {
        return CacheLocation.store(SystemServices.withDataDirectory(kuraData.toString()), context(true));
    }

    private Path bundleFile() {
        return bundleArea.resolve("assignment.json");
    }

    private static Assignment assignment(String hub) {
        return AssignmentStoreTest.assignment(hub, Assignment.Source.DPS);
    }

    /** A bundle context whose data area is {@link #bundleArea}, or a framework without one. */
    private BundleContext context(boolean withDataArea) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getDataFile")) {
                        return withDataArea ? bundleArea.resolve((String) args[0]).toFile() : null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
