package io.kuradps.provisioning.component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the last assignment on disk so a gateway can start with its hub while DPS is unreachable. The file
 * records which configuration the assignment belongs to; a changed id scope, registration id or endpoint makes
 * it invalid. Writes go to a temporary file that is forced to disk and then atomically renamed, so a crash
 * leaves either the old or the new file, never a torn one.
 */
final class AssignmentStore {

    private static final Logger LOG = LoggerFactory.getLogger(AssignmentStore.class);
    private static final int FORMAT = 1;

    /**
     * Jackson's streaming parser and generator: the file is one flat object, and data binding would cost a cold
     * start three times as much. The holder defers even that to the first read or write, on the worker.
     */
    private static final class Json {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    /** The configuration an assignment belongs to. */
    static final class Key {
        private final String idScope;
        private final String registrationId;
        private final String endpoint;

        Key(String idScope, String registrationId, String endpoint) {
            this.idScope = Objects.requireNonNull(idScope);
            this.registrationId = Objects.requireNonNull(registrationId);
            this.endpoint = Objects.requireNonNull(endpoint);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key that = (Key) o;
            return idScope.equals(that.idScope) && registrationId.equals(that.registrationId)
                    && endpoint.equals(that.endpoint);
        }

        @Override
        public int hashCode() {
            return Objects.hash(idScope, registrationId, endpoint);
        }

        @Override
        public String toString() {
            return "idScope=" + idScope + ", registrationId=" + registrationId + ", endpoint=" + endpoint;
        }
    }

    private final Path file;
    private final Path earlierFile;
    private boolean earlierFileHandled;

    AssignmentStore(Path file) {
        this(file, null);
    }

    /**
     * @param earlierFile where an earlier version of this bundle kept the cache (the bundle data area), moved to
     *                    {@code file} before the first read or write; null when there is no other place
     */
    AssignmentStore(Path file, Path earlierFile) {
        this.file = file;
        this.earlierFile = earlierFile == null || earlierFile.equals(file) ? null : earlierFile;
    }

    Path file() {
        return file;
    }

    /** The stored assignment, marked as coming from the cache, if there is one for exactly this key. */
    Optional<Assignment> load(Key key) {
        adoptEarlierFile();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.info("No cached assignment");
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Cached assignment unreadable ({}); ignoring it", e.getClass().getSimpleName());
            return Optional.empty();
        }
        try {
            Map<String, Object> root = readFlatObject(bytes);
            if (!Integer.valueOf(FORMAT).equals(root.get("format"))) {
                throw new IllegalArgumentException("unknown format");
            }
            Key stored = new Key(text(root, "idScope"), text(root, "registrationId"), text(root, "endpoint"));
            if (!stored.equals(key)) {
                LOG.info("Cached assignment belongs to another configuration ({}); not using it", stored);
                return Optional.empty();
            }
            Assignment assignment = Assignment.builder()
                    .assignedHub(text(root, "assignedHub"))
                    .deviceId(text(root, "deviceId"))
                    .registrationId(stored.registrationId)
                    .idScope(stored.idScope)
                    .substatus(optionalText(root, "substatus"))
                    .payloadJson(optionalText(root, "payload"))
                    .assignedAt(Instant.parse(text(root, "assignedAt")))
                    .source(Assignment.Source.CACHE)
                    .certificate(certificate(root))
                    .build();
            return Optional.of(assignment);
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            LOG.warn("Cached assignment in {} is corrupt ({}); ignoring it", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Replaces the stored assignment atomically. */
    void save(Key key, Assignment assignment) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            json.writeNumberField("format", FORMAT);
            writeText(json, "idScope", key.idScope);
            writeText(json, "registrationId", key.registrationId);
            writeText(json, "endpoint", key.endpoint);
            writeText(json, "assignedHub", assignment.assignedHub());
            writeText(json, "deviceId", assignment.deviceId());
            writeText(json, "substatus", assignment.substatus().orElse(null));
            writeText(json, "payload", assignment.payloadJson().orElse(null));
            writeText(json, "assignedAt", assignment.assignedAt().toString());
            if (assignment.certificate().isPresent()) {
                IssuedCertificate certificate = assignment.certificate().get();
                writeText(json, "certificateSha256", certificate.sha256Fingerprint());
                writeText(json, "certificateNotAfter", certificate.notAfter().toString());
                writeText(json, "certificateKeystorePid", certificate.keystoreServicePid());
                writeText(json, "certificateAlias", certificate.alias());
            }
            json.writeEndObject();
        }
        byte[] bytes = out.toByteArray();
        adoptEarlierFile();
        replaceDurably(bytes);
    }

    /**
     * Moves the earlier location's file here, once per store: copied durably, then deleted there. A file already
     * here is newer (only this version writes here) and is kept; the earlier one is then just deleted. A crash in
     * between leaves both, and the next start ends the move the same way.
     */
    private synchronized void adoptEarlierFile() {
        if (earlierFile == null || earlierFileHandled) {
            return;
        }
        earlierFileHandled = true;
        if (!Files.exists(earlierFile)) {
            return;
        }
        try {
            if (Files.exists(file)) {
                LOG.info("Deleting the cache {} of an earlier version: {} is newer", earlierFile, file);
            } else {
                replaceDurably(Files.readAllBytes(earlierFile));
                LOG.info("Moved the cached assignment from {} to {}", earlierFile, file);
            }
            Files.delete(earlierFile);
        } catch (IOException e) {
            LOG.warn("Cannot move the cache {} to {} ({}); trying again at the next start", earlierFile, file,
                    e.toString());
        }
    }

    /** Writes a temporary file, forces it to disk, renames it over the file atomically and forces the directory. */
    private void replaceDurably(byte[] bytes) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux does). */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot force directory {} ({})", directory, e.getClass().getSimpleName());
        }
    }

    private static void writeText(JsonGenerator json, String field, String value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, value);
        }
    }

    /** The file's object: its strings and integers by name (anything else is skipped). */
    private static Map<String, Object> readFlatObject(byte[] bytes) throws IOException {
        Map<String, Object> values = new HashMap<>();
        try (JsonParser parser = Json.FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    values.put(name, parser.getText());
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    values.put(name, parser.getNumberValue());
                } else {
                    values.remove(name);
                    parser.skipChildren();
                }
            }
        }
        return values;
    }

    /** The issued certificate's description, null when the file has none (or was written before issuance). */
    private static IssuedCertificate certificate(Map<String, Object> root) {
        String fingerprint = optionalText(root, "certificateSha256");
        return fingerprint == null ? null : new IssuedCertificate(fingerprint,
                Instant.parse(text(root, "certificateNotAfter")), text(root, "certificateKeystorePid"),
                text(root, "certificateAlias"));
    }

    private static String optionalText(Map<String, Object> root, String field) {
        Object value = root.get(field);
        return value instanceof String ? (String) value : null;
    }

    private static String text(Map<String, Object> root, String field) {
        String value = optionalText(root, field);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }
}
