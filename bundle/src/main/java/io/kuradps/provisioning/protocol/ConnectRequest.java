package io.kuradps.provisioning.protocol;

import java.time.Instant;

/** The CONNECT values for one connection attempt. The password is a SAS token, so toString redacts it. */
public final class ConnectRequest {

    private final String clientId;
    private final String username;
    private final char[] password;
    private final Instant sasExpiry;

    private ConnectRequest(String clientId, String username, char[] password, Instant sasExpiry) {
        this.clientId = clientId;
        this.username = username;
        this.password = password;
        this.sasExpiry = sasExpiry;
    }

    /** Builds the values for a connection opened at {@code now}; the SAS token expires sasLifetime later. */
    public static ConnectRequest create(RegistrationSettings settings, Instant now) {
        String username = username(settings.idScope(), settings.registrationId(), settings.apiVersion(),
                settings.userAgent());
        Credentials credentials = settings.credentials();
        if (!credentials.usesSasToken()) {
            return new ConnectRequest(settings.registrationId(), username, null, null);
        }
        Instant expiry = now.plus(settings.sasLifetime());
        String token = SasTokens.create(settings.idScope(), settings.registrationId(),
                credentials.deviceKey(settings.registrationId()), expiry.getEpochSecond());
        return new ConnectRequest(settings.registrationId(), username, token.toCharArray(), expiry);
    }

    static String username(String idScope, String registrationId, String apiVersion, String userAgent) {
        String username = idScope + "/registrations/" + registrationId + "/api-version=" + apiVersion;
        return userAgent == null ? username : username + "&ClientVersion=" + UrlEncoding.encode(userAgent);
    }

    /** The MQTT client id: the registration id. */
    public String clientId() {
        return clientId;
    }

    public String username() {
        return username;
    }

    /** A copy of the SAS token, or null for X.509 (the TLS client certificate authenticates). */
    public char[] password() {
        return password == null ? null : password.clone();
    }

    /** When the SAS token in the password expires, or null for X.509. */
    public Instant sasExpiry() {
        return sasExpiry;
    }

    @Override
    public String toString() {
        return "ConnectRequest[clientId=" + clientId + ", username=" + username + ", password="
                + (password == null ? "none" : "<redacted SAS token, expires " + sasExpiry + ">") + "]";
    }
}
