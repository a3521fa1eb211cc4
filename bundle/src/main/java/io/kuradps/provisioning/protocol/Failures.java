package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns what went wrong into a {@link Failure}: retryable for 429, 5xx, lost connections and timeouts; permanent
 * for other 4xx, failed and disabled, except where the device clock may be the cause: a SAS token refused by a
 * DPS whose clock disagrees with the one that signed it, a server certificate outside its validity by a clock
 * nothing has confirmed, and authentication or TLS failures under a clock that was never set. Explanations name
 * the settings involved (never a key or token) and show the clocks' readings.
 */
final class Failures {

    private static final String NOTHING_CHANGES = " Nothing changes until the configuration or the enrollment does.";
    private static final String TLS_FAILED = "The TLS handshake with DPS failed. Check the trusted root certificates,"
            + " the client certificate and key (X.509) and the device clock: certificates look invalid when the clock"
            + " is wrong.";

    private final RegistrationSettings settings;
    private final ServiceClock clock;

    /** @param clock the clock the flow signs its tokens by; only read here */
    Failures(RegistrationSettings settings, ServiceClock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A non-2xx response; {@code error} is null when the body was missing or unreadable. The topic's status
     * decides the class, the body's errorCode is reported as the code.
     *
     * @param now the device clock's reading when the answer arrived
     */
    Failure fromResponse(int status, ServiceError error, Instant sasExpiry, Instant now) {
        int code = error == null ? status : error.errorCode();
        String message = error == null ? "status " + status + " without a readable error body"
                : error.message().orElse("status " + status);
        String trackingId = error == null ? null : error.trackingId().orElse(null);
        if (status == 429) {
            return new Failure(code, FailureKind.THROTTLED, true, message,
                    "DPS is throttling registrations (too many from this device or this DPS instance, e.g. a fleet"
                            + " starting at once). The client waits at least as long as DPS asks, plus a random"
                            + " spread that grows while the throttling lasts, and tries again; if it persists,"
                            + " spread device start-up over time or raise the DPS tier.",
                    trackingId);
        }
        if (status >= 500) {
            return new Failure(code, FailureKind.SERVER_ERROR, true, message,
                    "DPS reported an internal error; this usually passes. The client backs off and tries again.",
                    trackingId);
        }
        if (status == 401 || status == 403) {
            return refused(code, message, trackingId, sasExpiry, now, ServiceTime.of(error).orElse(null));
        }
        if (status == 404) {
            return new Failure(code, FailureKind.NOT_FOUND, false, message,
                    "DPS found nothing for id scope " + settings.idScope() + " and registration id "
                            + settings.registrationId() + ". Check the id scope (DPS overview page) and that an"
                            + " enrollment exists for this registration id. Nothing changes until the configuration"
                            + " or the enrollment does.",
                    trackingId);
        }
        return new Failure(code, FailureKind.BAD_REQUEST, false, message, badRequest(code), trackingId);
    }

    /**
     * A 401 or 403. With DPS's time at hand the clock question has an answer: a SAS token signed by a clock more
     * than the bound off DPS's, or already past by DPS's clock, was refused for the clock. Without it, only a clock
     * before 2020 is taken for unset.
     */
    private Failure refused(int code, String message, String trackingId, Instant sasExpiry, Instant now,
            Instant serviceTime) {
        Instant signedBy = now.plus(clock.offset());
        boolean sas = settings.credentials().usesSasToken();
        if (serviceTime != null) {
            ClockSkew device = ClockSkew.between(now, serviceTime);
            boolean pastForDps = sasExpiry != null && !sasExpiry.isAfter(serviceTime);
            if (sas && (ClockSkew.between(signedBy, serviceTime).exceedsBound() || pastForDps)) {
                return new Failure(code, FailureKind.UNAUTHORIZED, true, message,
                        "DPS refused the SAS token because the device clock is wrong."
                                + ClockExplanations.tokenRefusedForTheClock(device, sasExpiry)
                                + " If DPS refuses the next token too, check: " + credentialChecks(code),
                        trackingId, true);
            }
            String clockNote = !sas && device.exceedsBound()
                    ? " The device clock is wrong too, though X.509 authentication does not depend on it: "
                            + device.describe() + "."
                    : clock.offset().isZero() ? "" : ClockExplanations.tokenSignedByServiceTime(device);
            return new Failure(code, FailureKind.UNAUTHORIZED, false, message,
                    "DPS rejected the device's credentials. Check: " + credentialChecks(code) + clockNote
                            + NOTHING_CHANGES,
                    trackingId);
        }
        boolean unset = ClockExplanations.looksUnset(signedBy);
        // With an unset clock the failure is retryable: a later run with a set clock may well succeed.
        return new Failure(code, FailureKind.UNAUTHORIZED, unset, message,
                "DPS rejected the device's credentials. Check: " + credentialChecks(code)
                        + (unset ? ClockExplanations.clockUnset(now, sasExpiry) : NOTHING_CHANGES),
                trackingId, unset);
    }

    Failure operationFailed(OperationStatus status) {
        DeviceRegistration state = status.registrationState().orElse(null);
        int code = state == null ? 0 : state.errorCode().orElse(0);
        String message = state == null ? "registration failed" : state.errorMessage().orElse("registration failed");
        String hint = code == 400207
                ? " 400207 means the custom allocation function failed: check its logs and the custom payload sent."
                : code == 400208 ? " 400208: no IoT hub is linked to the enrollment or to the DPS instance."
                        : code == 400209 ? " 400209: DPS is not authorized on the linked IoT hub; re-link the hub."
                                : "";
        return new Failure(code, FailureKind.FAILED, false, message,
                "DPS could not assign registration id " + settings.registrationId() + " to an IoT hub." + hint
                        + " Nothing changes until the enrollment, its allocation policy or linked hubs do.",
                null);
    }

    Failure disabled() {
        return new Failure(0, FailureKind.DISABLED, false, "registration disabled",
                "The enrollment for registration id " + settings.registrationId() + " (or this device's"
                        + " registration record) is disabled in DPS. Enable it in the DPS portal; the client does"
                        + " not try again until then.",
                null);
    }

    /** @param now the device clock's reading, the one TLS judged the server's certificate by */
    Failure connectFailed(ConnectFailure kind, String detail, Instant sasExpiry, Instant now) {
        String message = detail == null ? String.valueOf(kind) : detail;
        switch (kind == null ? ConnectFailure.NETWORK : kind) {
            case TLS_CERTIFICATE_EXPIRED:
            case TLS_CERTIFICATE_NOT_YET_VALID:
                return certificateDates(kind == ConnectFailure.TLS_CERTIFICATE_EXPIRED, message, now);
            case TLS_HANDSHAKE:
                return tlsHandshake(message, now);
            case REFUSED_NOT_AUTHORIZED:
            case REFUSED_BAD_CREDENTIALS:
                return refused(0, message, null, sasExpiry, now, null);
            case REFUSED_SERVER_UNAVAILABLE:
                return new Failure(0, FailureKind.CONNECT_REFUSED, true, message,
                        "DPS is temporarily unavailable; the client backs off and tries again.", null);
            case REFUSED_OTHER:
                return new Failure(0, FailureKind.CONNECT_REFUSED, false, message,
                        "DPS refused the MQTT connection. Check the endpoint host (a DPS endpoint, not an IoT hub),"
                                + " the registration id " + settings.registrationId() + " (it is the client id)"
                                + " and the api-version " + settings.apiVersion() + ".",
                        null);
            case PROXY_UNREACHABLE:
                return proxy(message, "The HTTP proxy could not be reached, or what answers at proxy.host and"
                        + " proxy.port is not an HTTP proxy. Check proxy.host and proxy.port (an empty proxy.host"
                        + " turns the proxy off), DNS and the route to the proxy.");
            case PROXY_AUTHENTICATION:
                return proxy(message, "The HTTP proxy wants credentials, or refused the ones sent. Set"
                        + " proxy.username and proxy.password to an account the proxy accepts with Basic"
                        + " authentication (the only scheme this client offers).");
            case PROXY_REFUSED:
                return proxy(message, "The HTTP proxy refused to open a tunnel to the DPS host and port named"
                        + " above, or could not reach DPS itself (502, 503, 504). Proxies often allow CONNECT only"
                        + " to port 443: if port 8883 is refused, set transport=mqtt-websocket (port 443);"
                        + " otherwise have the proxy allow CONNECT to the DPS host on that port.");
            case PROXY_CLOSED:
                return proxy(message, "The HTTP proxy closed the connection before opening the tunnel (it may be"
                        + " overloaded or restarting, or drop what its policy refuses). If it persists, check"
                        + " the proxy's log and proxy.host and proxy.port.");
            case NETWORK:
            default:
                return new Failure(0, FailureKind.NETWORK, true, message,
                        "DPS could not be reached. Check the endpoint host name, DNS, the firewall (port 8883, or"
                                + " 443 for MQTT over WebSocket) and any proxy. The client backs off and tries again.",
                        null);
        }
    }

    /** Every proxy failure is retried like a network failure: proxies restart and their policies change. */
    private static Failure proxy(String message, String advice) {
        return new Failure(0, FailureKind.PROXY, true, message, advice + " The client backs off and tries again.",
                null);
    }

    Failure connectionLost(String cause) {
        return new Failure(0, FailureKind.CONNECTION_LOST, true, cause == null ? "connection lost" : cause,
                "The connection to DPS dropped during the registration. The client reconnects and registers again;"
                        + " if it keeps happening, check the network path and any proxy.",
                null);
    }

    Failure responseTimeout(String waitingFor) {
        return new Failure(0, FailureKind.RESPONSE_TIMEOUT, true, "no " + waitingFor + " within "
                + settings.responseTimeout().getSeconds() + " s",
                "DPS did not answer in time. The client reconnects and registers again; on slow links raise"
                        + " the response timeout.",
                null);
    }

    Failure protocol(String detail, boolean retryable) {
        return new Failure(0, FailureKind.PROTOCOL, retryable, detail,
                "DPS sent something this client does not understand. Check that the endpoint is a DPS endpoint"
                        + " and that api-version " + settings.apiVersion() + " is one it supports.",
                null);
    }

    Failure deadlineExceeded(Failure lastCause) {
        Duration deadline = settings.overallDeadline();
        String last = lastCause == null ? "" : " Last problem: " + lastCause.kind() + " - " + lastCause.message()
                + ". " + lastCause.explanation();
        return new Failure(0, FailureKind.DEADLINE_EXCEEDED, true,
                "no assignment within " + deadline.getSeconds() + " s",
                "Provisioning did not finish within the overall deadline; it can be tried again later." + last,
                lastCause == null ? null : lastCause.trackingId().orElse(null),
                lastCause != null && lastCause.clockSuspected());
    }

    private Failure tlsHandshake(String message, Instant now) {
        boolean unset = ClockExplanations.looksUnset(now);
        return new Failure(0, FailureKind.TLS, unset, message,
                TLS_FAILED + (unset ? ClockExplanations.clockUnset(now, null) : ""), null, unset);
    }

    /**
     * The server's certificate is outside its validity by the device clock, which TLS checks it by (the offset to
     * DPS's time cannot help there). Unless that clock is known to be right, it is the likely cause.
     */
    private Failure certificateDates(boolean expired, String message, Instant now) {
        boolean suspect = !clock.deviceClockConfirmed();
        return new Failure(0, FailureKind.TLS, suspect, message, TLS_FAILED + (suspect
                ? ClockExplanations.certificateDatesSuspectTheClock(expired, now, clock)
                : ClockExplanations.certificateDatesWithAConfirmedClock(expired, now, clock)), null, suspect);
    }

    /** What to check when DPS refuses the credentials; ends with a full stop. */
    private String credentialChecks(int code) {
        StringBuilder text = new StringBuilder();
        if (settings.credentials().usesSasToken()) {
            text.append(settings.credentials().type() == Credentials.Type.GROUP_KEY
                    ? "the group key is the enrollment group's primary or secondary key (this device's key is"
                            + " derived from it and the registration id); "
                    : "the symmetric key is the individual enrollment's primary or secondary key; ");
        } else {
            text.append("the client certificate chains to a verified CA or matches the enrollment's certificate,"
                    + " and its subject CN equals the registration id; ");
            if (code == 401002 && ApiVersions.V2019_03_31.equals(settings.apiVersion())) {
                text.append("some certificate chains are rejected with 401002 on api-version 2019-03-31 and"
                        + " accepted on ").append(ApiVersions.V2021_06_01).append("; ");
            }
        }
        return text.append("the id scope ").append(settings.idScope())
                .append(" is the one of the DPS instance holding the enrollment; the registration id ")
                .append(settings.registrationId())
                .append(" matches the enrollment; the enrollment exists and is enabled.").toString();
    }

    private String badRequest(int code) {
        switch (code) {
            case 400208:
                return "No IoT hub is linked to the enrollment or to the DPS instance. Link a hub in DPS.";
            case 400209:
                return "DPS is not authorized on the linked IoT hub; re-link the hub in DPS.";
            default:
                return "DPS rejected the request as invalid. Check the registration id " + settings.registrationId()
                        + ", the api-version " + settings.apiVersion() + " and the custom payload"
                        + (settings.certificateSigningRequest() == null ? "" : "; a certificate was requested, so"
                                + " check too that the enrollment has an Azure Device Registry credential policy")
                        + ". Nothing changes until the configuration does.";
        }
    }
}
