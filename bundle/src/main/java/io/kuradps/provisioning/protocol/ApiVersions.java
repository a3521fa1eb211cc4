package io.kuradps.provisioning.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/** The DPS api-version values this client knows, and the check applied to a configured one. */
public final class ApiVersions {

    public static final String V2019_03_31 = "2019-03-31";
    public static final String V2021_06_01 = "2021-06-01";
    public static final String V2021_10_01 = "2021-10-01";
    public static final String V2025_07_01_PREVIEW = "2025-07-01-preview";

    /** The version a registration that asks for a certificate (sends a csr) uses. */
    public static final String CERTIFICATE_ISSUANCE = V2025_07_01_PREVIEW;

    /** The version the MQTT transports of the Azure SDKs use and the DPS MQTT documentation names. */
    public static final String DEFAULT = V2019_03_31;

    public static final List<String> KNOWN = Collections
            .unmodifiableList(Arrays.asList(V2019_03_31, V2021_06_01, V2021_10_01, V2025_07_01_PREVIEW));

    private static final Pattern WELL_FORMED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private ApiVersions() {
    }

    /**
     * Accepts any well-formed version, known or not, so a gateway can follow a newer service version without a
     * new bundle; rejects what cannot be an api-version at all (a typo would otherwise surface as a 4xx).
     */
    public static String validate(String apiVersion) throws DpsProtocolException {
        if (apiVersion == null || !WELL_FORMED.matcher(apiVersion).matches()) {
            throw new DpsProtocolException(DpsProtocolException.Field.API_VERSION, "'" + apiVersion
                    + "' is not of the form YYYY-MM-DD or YYYY-MM-DD-preview; known versions: " + KNOWN);
        }
        return apiVersion;
    }

    public static boolean isKnown(String apiVersion) {
        return KNOWN.contains(apiVersion);
    }

    /** The configured version when it accepts a csr, else {@link #CERTIFICATE_ISSUANCE}. */
    public static String forCertificateIssuance(String configured) {
        return supportsCertificateSigningRequest(configured) ? configured : CERTIFICATE_ISSUANCE;
    }

    /** Only preview versions accept a certificate signing request in the register body. */
    public static boolean supportsCertificateSigningRequest(String apiVersion) {
        return apiVersion.endsWith("-preview") && apiVersion.compareTo(V2025_07_01_PREVIEW) >= 0;
    }
}
