package io.kuradps.simulator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enrollment list of a simulated DPS instance. Thread-safe: tests may add, replace or remove enrollments
 * while the simulator runs; a change applies to connections made afterwards.
 */
public final class Enrollments {

    private final Map<String, Enrollment> individuals = new ConcurrentHashMap<>();
    /** Insertion order decides which group wins when several could authenticate a device. */
    private final Map<String, Enrollment> groups = new LinkedHashMap<>();
    private final String idScope;

    private Enrollments(String idScope) {
        this.idScope = idScope;
    }

    /** An empty list with no id scope of its own. */
    public static Enrollments empty() {
        return new Enrollments(null);
    }

    /** A list holding the given enrollments. */
    public static Enrollments of(Enrollment... enrollments) {
        Enrollments result = empty();
        for (Enrollment enrollment : enrollments) {
            result.put(enrollment);
        }
        return result;
    }

    /**
     * Reads an enrollment file (format in simulator/README.md).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the enrollment and field when the content is invalid
     */
    public static Enrollments fromJson(Path file) throws IOException {
        return EnrollmentFile.read(file, Enrollments::new);
    }

    /** Parses enrollment JSON text (format in simulator/README.md). */
    public static Enrollments fromJson(String json) {
        return EnrollmentFile.parse(json, Enrollments::new);
    }

    /** The id scope the file named, if any. */
    public Optional<String> idScope() {
        return Optional.ofNullable(idScope);
    }

    /** Adds the enrollment, replacing one of the same kind and id. */
    public Enrollments put(Enrollment enrollment) {
        if (enrollment.kind() == Enrollment.Kind.INDIVIDUAL) {
            individuals.put(enrollment.id(), enrollment);
        } else {
            synchronized (groups) {
                groups.put(enrollment.id(), enrollment);
            }
        }
        return this;
    }

    /** Removes an enrollment; true when there was one. */
    public boolean remove(Enrollment.Kind kind, String id) {
        if (kind == Enrollment.Kind.INDIVIDUAL) {
            return individuals.remove(id) != null;
        }
        synchronized (groups) {
            return groups.remove(id) != null;
        }
    }

    /** The individual enrollment of a registration id. */
    public Optional<Enrollment> individual(String registrationId) {
        return Optional.ofNullable(individuals.get(registrationId));
    }

    /** A group enrollment by its id. */
    public Optional<Enrollment> group(String enrollmentGroupId) {
        synchronized (groups) {
            return Optional.ofNullable(groups.get(enrollmentGroupId));
        }
    }

    /** The group enrollments, in the order they were added. */
    public List<Enrollment> groups() {
        synchronized (groups) {
            return List.copyOf(groups.values());
        }
    }

    /** Every enrollment: individuals first, then groups. */
    public List<Enrollment> all() {
        List<Enrollment> all = new ArrayList<>(individuals.values());
        all.addAll(groups());
        return all;
    }

    @Override
    public String toString() {
        return "Enrollments[individual=" + individuals.size() + ", groups=" + groups().size() + "]";
    }
}
