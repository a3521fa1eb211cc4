package io.kuradps.simulator;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the MQTT username says: {@code {idScope}/registrations/{registrationId}/api-version={version}}
 * optionally followed by {@code &ClientVersion=...} (or other parameters, which DPS ignores).
 */
record DeviceCredentials(String idScope, String registrationId, String apiVersion) {

    private static final Pattern USERNAME =
            Pattern.compile("([^/]+)/registrations/([^/]+)/api-version=([^&]+)(&.*)?");

    static Optional<DeviceCredentials> parseUsername(String username) {
        if (username == null) {
            return Optional.empty();
        }
        Matcher m = USERNAME.matcher(username);
        if (!m.matches() || !Enrollment.isValidRegistrationId(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(new DeviceCredentials(m.group(1), m.group(2), m.group(3)));
    }
}
