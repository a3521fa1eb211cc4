package io.kuradps.simulator;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One DPS enrollment, individual (keyed by registration id) or group (keyed by enrollment group id).
 * Immutable: the {@code with...} methods return changed copies.
 *
 * @param kind individual or group
 * @param id registration id (individual) or enrollment group id (group)
 * @param attestation how devices authenticate
 * @param enabled a disabled enrollment answers {@code status: disabled}
 * @param deviceId the initial device id (individual only; null means the registration id)
 * @param iotHubs the linked hubs; an empty list fails registrations with 400208
 * @param allocationPolicy how a hub is chosen
 * @param customAllocation used with {@link AllocationPolicy#CUSTOM}
 * @param updateHubAssignment re-provisioning: whether a registering device may move to another hub
 * @param migrateDeviceData re-provisioning: substatus deviceDataMigrated (true) or deviceDataReset (false)
 * @param substatus forces the substatus answered (null computes it from the device's history)
 * @param issuesCertificates the enrollment has an Azure Device Registry credential policy: a csr in its
 *                           registrations gets a certificate from the simulator's CA (without one, a csr is refused)
 * @param certificateValidityDays how long the policy's certificates last, {@value #MIN_CERTIFICATE_VALIDITY_DAYS}
 *                                to {@value #MAX_CERTIFICATE_VALIDITY_DAYS} days as DPS's policies; null: the
 *                                simulator's ({@link DpsSimulator.Builder#issuedCertificateValidityDays(int)})
 */
public record Enrollment(Kind kind, String id, Attestation attestation, boolean enabled, String deviceId,
        List<String> iotHubs, AllocationPolicy allocationPolicy, CustomAllocation customAllocation,
        boolean updateHubAssignment, boolean migrateDeviceData, Substatus substatus, boolean issuesCertificates,
        Integer certificateValidityDays) {

    /** The shortest validity a DPS credential policy issues certificates for. */
    public static final int MIN_CERTIFICATE_VALIDITY_DAYS = 1;
    /** The longest validity a DPS credential policy issues certificates for. */
    public static final int MAX_CERTIFICATE_VALIDITY_DAYS = 90;

    /** The hub assigned when an enrollment names none. */
    public static final String DEFAULT_HUB = "kura-dps-simulated-hub.azure-devices.net";

    private static final Pattern REGISTRATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Individual or group enrollment. */
    public enum Kind { INDIVIDUAL, GROUP }

    /** The registration substatus values DPS answers. */
    public enum Substatus {
        INITIAL_ASSIGNMENT("initialAssignment"),
        DEVICE_DATA_MIGRATED("deviceDataMigrated"),
        DEVICE_DATA_RESET("deviceDataReset"),
        REPROVISIONED_TO_INITIAL_ASSIGNMENT("reprovisionedToInitialAssignment");

        private final String wireName;

        Substatus(String wireName) {
            this.wireName = wireName;
        }

        /** The name in DPS's JSON. */
        public String wireName() {
            return wireName;
        }

        static Substatus parse(String text) {
            for (Substatus s : values()) {
                if (s.wireName.equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("substatus '" + text + "' is not one of initialAssignment, "
                    + "deviceDataMigrated, deviceDataReset, reprovisionedToInitialAssignment");
        }
    }

    public Enrollment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(allocationPolicy, "allocationPolicy");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(
                    kind == Kind.INDIVIDUAL ? "registrationId is missing" : "enrollmentGroupId is missing");
        }
        if (kind == Kind.INDIVIDUAL && !REGISTRATION_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("registrationId '" + id
                    + "' must be 1..128 characters of letters, digits, '-', '.', '_', ':'");
        }
        if (kind == Kind.GROUP && deviceId != null) {
            throw new IllegalArgumentException("deviceId is for individual enrollments; group devices get their "
                    + "registration id (enrollment group " + id + ")");
        }
        iotHubs = List.copyOf(Objects.requireNonNull(iotHubs, "iotHubs"));
        if (allocationPolicy == AllocationPolicy.CUSTOM && customAllocation == null) {
            throw new IllegalArgumentException("enrollment " + id + " has allocation policy custom but no custom "
                    + "allocation");
        }
        if (certificateValidityDays != null) {
            checkCertificateValidityDays(certificateValidityDays, "certificateValidityDays");
        }
    }

    /**
     * @return the days, when DPS's credential policies allow them
     * @throws IllegalArgumentException naming the field otherwise
     */
    static int checkCertificateValidityDays(int days, String field) {
        if (days < MIN_CERTIFICATE_VALIDITY_DAYS || days > MAX_CERTIFICATE_VALIDITY_DAYS) {
            throw new IllegalArgumentException(field + " must be " + MIN_CERTIFICATE_VALIDITY_DAYS + " to "
                    + MAX_CERTIFICATE_VALIDITY_DAYS + " days, as DPS's credential policies issue for, was " + days);
        }
        return days;
    }

    /** An enabled individual enrollment on the default hub with static allocation. */
    public static Enrollment individual(String registrationId, Attestation attestation) {
        return new Enrollment(Kind.INDIVIDUAL, registrationId, attestation, true, null, List.of(DEFAULT_HUB),
                AllocationPolicy.STATIC, null, true, true, null, false, null);
    }

    /** An enabled group enrollment on the default hub with static allocation. */
    public static Enrollment group(String enrollmentGroupId, Attestation attestation) {
        return new Enrollment(Kind.GROUP, enrollmentGroupId, attestation, true, null, List.of(DEFAULT_HUB),
                AllocationPolicy.STATIC, null, true, true, null, false, null);
    }

    public Enrollment withEnabled(boolean newEnabled) {
        return new Enrollment(kind, id, attestation, newEnabled, deviceId, iotHubs, allocationPolicy,
                customAllocation, updateHubAssignment, migrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withDeviceId(String newDeviceId) {
        return new Enrollment(kind, id, attestation, enabled, newDeviceId, iotHubs, allocationPolicy,
                customAllocation, updateHubAssignment, migrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withIotHubs(String... hubs) {
        return withIotHubs(List.of(hubs));
    }

    public Enrollment withIotHubs(List<String> hubs) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, hubs, allocationPolicy, customAllocation,
                updateHubAssignment, migrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withAllocationPolicy(AllocationPolicy policy) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, policy, customAllocation,
                updateHubAssignment, migrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withCustomAllocation(CustomAllocation allocation) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, AllocationPolicy.CUSTOM,
                allocation, updateHubAssignment, migrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withReprovisioning(boolean newUpdateHubAssignment, boolean newMigrateDeviceData) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, allocationPolicy,
                customAllocation, newUpdateHubAssignment, newMigrateDeviceData, substatus, issuesCertificates,
                certificateValidityDays);
    }

    public Enrollment withSubstatus(Substatus forced) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, allocationPolicy,
                customAllocation, updateHubAssignment, migrateDeviceData, forced, issuesCertificates,
                certificateValidityDays);
    }

    /** With or without the credential policy that lets DPS issue certificates for csrs. */
    public Enrollment withCertificateIssuance(boolean issues) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, allocationPolicy,
                customAllocation, updateHubAssignment, migrateDeviceData, substatus, issues,
                certificateValidityDays);
    }

    /**
     * With a credential policy issuing certificates for this many days ({@value #MIN_CERTIFICATE_VALIDITY_DAYS} to
     * {@value #MAX_CERTIFICATE_VALIDITY_DAYS}, as DPS's policies).
     *
     * @throws IllegalArgumentException outside that range
     */
    public Enrollment withCertificateValidityDays(int days) {
        return new Enrollment(kind, id, attestation, enabled, deviceId, iotHubs, allocationPolicy,
                customAllocation, updateHubAssignment, migrateDeviceData, substatus, true,
                checkCertificateValidityDays(days, "certificateValidityDays"));
    }

    static boolean isValidRegistrationId(String registrationId) {
        return registrationId != null && REGISTRATION_ID.matcher(registrationId).matches();
    }
}
