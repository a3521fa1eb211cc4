package io.kuradps.runtime.support.configuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.crypto.CryptoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files in one directory, as Kura's ConfigurationServiceImpl (5.0) keeps them: {@code
 * snapshot_<id>.xml}, the id the time of writing in milliseconds (one more than the newest when the clock says
 * otherwise), each file encrypted as one blob through the CryptoService, the oldest deleted beyond the count to
 * keep except snapshot 0, the seeding one.
 */
final class Snapshots {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    private static final Pattern FILE_NAME = Pattern.compile("snapshot_([0-9]+)\\.xml");

    private final Path directory;
    private final int keep;
    private final CryptoService crypto;
    private final PropertyValues values;
    private final LongSupplier clockMillis;

    Snapshots(Path directory, int keep, CryptoService crypto, LongSupplier clockMillis) {
        this.directory = directory;
        this.keep = keep;
        this.crypto = crypto;
        this.values = new PropertyValues(crypto);
        this.clockMillis = clockMillis;
    }

    Path directory() {
        return this.directory;
    }

    SortedSet<Long> ids() throws KuraException {
        SortedSet<Long> ids = new TreeSet<>();
        if (!Files.isDirectory(this.directory)) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory)) {
            for (Path file : files) {
                Matcher name = FILE_NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    ids.add(Long.parseLong(name.group(1)));
                }
            }
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_LISTING, e, this.directory);
        }
        return ids;
    }

    /** Writes the configurations (Password values as given, encrypted ones) as the newest snapshot. */
    synchronized long write(List<ComponentConfiguration> configurations) throws KuraException {
        SortedSet<Long> ids = ids();
        long id = this.clockMillis.getAsLong();
        if (!ids.isEmpty() && id <= ids.last()) {
            id = ids.last() + 1;
        }
        writeEncrypted(id, configurations);
        collectGarbage();
        return id;
    }

    /** @throws KuraException CONFIGURATION_SNAPSHOT_NOT_FOUND, or ..._LOADING when it does not decrypt */
    List<ComponentConfiguration> read(long id) throws KuraException {
        return SnapshotText.parse(id, new String(this.crypto.decryptAes(readText(id).toCharArray())));
    }

    /**
     * The newest snapshot's configurations, as Kura loads them at start: when it does not decrypt, and every
     * snapshot is plain (an image that never booted), all are encrypted first, their Passwords included; when
     * plain and encrypted ones are mixed, none is loaded.
     */
    Optional<List<ComponentConfiguration>> latest() throws KuraException {
        SortedSet<Long> ids = ids();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(ids.last()));
        } catch (KuraException notEncrypted) {
            List<List<ComponentConfiguration>> plain = new ArrayList<>();
            for (long id : ids) {
                try {
                    plain.add(SnapshotText.parse(id, readText(id)));
                } catch (KuraException notPlain) {
                    LOG.warn("Snapshot {} does not decrypt, and snapshot {} is not plain either: loading none",
                            ids.last(), id);
                    return Optional.empty();
                }
            }
            LOG.info("Every snapshot in {} is plain: encrypting them, as Kura does at its first boot",
                    this.directory);
            int i = 0;
            for (long id : ids) {
                writeEncrypted(id, encryptedPasswords(plain.get(i++)));
            }
            return Optional.of(read(ids.last()));
        }
    }

    private List<ComponentConfiguration> encryptedPasswords(List<ComponentConfiguration> configurations) {
        List<ComponentConfiguration> encrypted = new ArrayList<>();
        for (ComponentConfiguration configuration : configurations) {
            encrypted.add(new StandInComponentConfiguration(configuration.getPid(), null,
                    this.values.encrypted(configuration.getConfigurationProperties())));
        }
        return encrypted;
    }

    private void writeEncrypted(long id, List<ComponentConfiguration> configurations) throws KuraException {
        char[] blob = this.crypto.encryptAes(SnapshotXml.write(configurations).toCharArray());
        try {
            Files.createDirectories(this.directory);
            Path temporary = Files.createTempFile(this.directory, "snapshot_", ".tmp");
            Files.write(temporary, new String(blob).getBytes(StandardCharsets.US_ASCII));
            Files.move(temporary, file(id), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_TAKING, e, file(id));
        }
    }

    private String readText(long id) throws KuraException {
        Path file = file(id);
        if (!Files.isRegularFile(file)) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_NOT_FOUND, file);
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_LOADING, e, file);
        }
    }

    private void collectGarbage() throws KuraException {
        List<Long> oldestFirst = new ArrayList<>(ids());
        int surplus = oldestFirst.size() - this.keep;
        for (long id : oldestFirst) {
            if (surplus <= 0) {
                return;
            }
            if (id == 0) {
                continue;
            }
            try {
                Files.deleteIfExists(file(id));
                surplus--;
            } catch (IOException e) {
                LOG.warn("Cannot delete the old snapshot {}: {}", file(id), e.getMessage());
            }
        }
    }

    private Path file(long id) {
        return this.directory.resolve("snapshot_" + id + ".xml");
    }

    /** Parsing with the snapshot's id in the error. */
    private static final class SnapshotText {

        private SnapshotText() {
        }

        static List<ComponentConfiguration> parse(long id, String text) throws KuraException {
            try {
                return Collections.unmodifiableList(SnapshotXml.read(text));
            } catch (IOException e) {
                throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_LOADING, "snapshot " + id + ": "
                        + e.getMessage());
            }
        }
    }
}
