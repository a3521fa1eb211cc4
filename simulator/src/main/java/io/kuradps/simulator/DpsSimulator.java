package io.kuradps.simulator;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A local Azure IoT Hub Device Provisioning Service speaking MQTT over TLS and over secure WebSocket, for
 * tests, benchmarks and offline trials. Build with {@link #builder()}, stop with {@link #close()}.
 */
public final class DpsSimulator implements AutoCloseable {

    /** TLS versions offered; 1.0 and 1.1 are refused as DPS refuses them. */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The file name of the CA certificate written to the CA directory. */
    public static final String CA_FILE_NAME = "dps-simulator-ca.pem";
    /** The id scope when none is configured. */
    public static final String DEFAULT_ID_SCOPE = "0ne00000000";

    /**
     * What the simulator's credential policies issue for when neither the enrollment nor the builder says, within
     * the {@value Enrollment#MIN_CERTIFICATE_VALIDITY_DAYS} to {@value Enrollment#MAX_CERTIFICATE_VALIDITY_DAYS} days
     * of DPS's.
     */
    public static final int DEFAULT_ISSUED_VALIDITY_DAYS = 30;
    static final Duration DEFAULT_ISSUED_CERTIFICATE_VALIDITY = Duration.ofDays(DEFAULT_ISSUED_VALIDITY_DAYS);

    private static final System.Logger LOG = System.getLogger(DpsSimulator.class.getName());

    private final MqttServer server;
    private final HubSimulator hub;
    private final CertificateAuthority authority;
    private final Path caFile;
    private final String caPem;
    private final Enrollments enrollments;
    private final Faults faults;
    private final Counters counters;
    private final String idScope;
    private final String host;

    private DpsSimulator(MqttServer server, HubSimulator hub, CertificateAuthority authority, Path caFile,
            Enrollments enrollments, Faults faults, Counters counters, String idScope, String host) {
        this.server = server;
        this.hub = hub;
        this.authority = authority;
        this.caFile = caFile;
        this.caPem = Pem.encode(authority.certificate());
        this.enrollments = enrollments;
        this.faults = faults;
        this.counters = counters;
        this.idScope = idScope;
        this.host = host;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port MQTT over TLS listens on. */
    public int mqttPort() {
        return server.mqttPort();
    }

    /** The port MQTT over secure WebSocket listens on, -1 when off. */
    public int webSocketPort() {
        return server.webSocketPort();
    }

    /** The address listened on. */
    public String host() {
        return host;
    }

    public String idScope() {
        return idScope;
    }

    /** The CA certificate clients must trust, PEM. */
    public String caCertificatePem() {
        return caPem;
    }

    /** Where the CA certificate PEM was written. */
    public Path caCertificateFile() {
        return caFile;
    }

    /** A certificate for the device, CN = registration id, signed by the simulator's CA. */
    public DeviceIdentity issueDeviceCertificate(String registrationId) {
        if (!Enrollment.isValidRegistrationId(registrationId)) {
            throw new IllegalArgumentException("'" + registrationId + "' is not a valid registration id");
        }
        return DeviceIdentity.of(registrationId, authority.issueDeviceCertificate(registrationId));
    }

    /** An SSLContext that trusts the simulator's CA (and presents no client certificate). */
    public SSLContext clientSslContext() {
        return clientSslContext(null);
    }

    /** An SSLContext that trusts the simulator's CA and presents the device's certificate. */
    public SSLContext clientSslContext(DeviceIdentity device) {
        return clientSslContext(authority, device);
    }

    private static SSLContext clientSslContext(CertificateAuthority authority, DeviceIdentity device) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("dps-simulator-ca", authority.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (device != null) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(device.keyStore(), device.password());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client SSLContext", e);
        }
    }

    /** The enrollments; changes apply to connections made afterwards. */
    public Enrollments enrollments() {
        return enrollments;
    }

    /** Fault injection. */
    public Faults faults() {
        return faults;
    }

    public Counters counters() {
        return counters;
    }

    /**
     * The IoT Hub MQTT endpoint for the hubs this DPS assigns.
     *
     * @throws IllegalStateException when the simulator was started without one ({@link Builder#hubPort(int)})
     */
    public HubSimulator hub() {
        if (hub == null) {
            throw new IllegalStateException("the simulator has no IoT hub endpoint: start it with hubPort(0) "
                    + "(command line: --hub-port 0)");
        }
        return hub;
    }

    /** True when the simulator runs an IoT hub endpoint. */
    public boolean hasHub() {
        return hub != null;
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        if (hub != null) {
            hub.close();
        }
        server.close();
        LOG.log(Level.INFO, "DPS simulator stopped; " + counters);
    }

    @Override
    public String toString() {
        return "DpsSimulator[mqtts://" + host + ":" + mqttPort()
                + (webSocketPort() < 0 ? ", no WebSocket" : ", wss://" + host + ":" + webSocketPort())
                + ", idScope=" + idScope + (hub == null ? "" : ", " + hub) + "]";
    }

    /** Configures a simulator. Defaults: 127.0.0.1, ports 8883 and 443, one poll before assignment. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int mqttPort = 8883;
        private int webSocketPort = 443;
        private int hubPort = -1;
        private int hubWebSocketPort = -1;
        private int hubServicePort = -1;
        private Enrollments enrollments;
        private Path enrollmentsFile;
        private Path caDirectory;
        private Clock clock = Clock.systemUTC();
        private int pollsBeforeAssignment = 1;
        private Duration assignmentDelay = Duration.ZERO;
        private int retryAfterSeconds = 1;
        private Duration answerDelay = Duration.ZERO;
        private String idScope;
        private double throttle;
        private Duration issuedCertificateValidity = DEFAULT_ISSUED_CERTIFICATE_VALIDITY;
        private String caCertificatePem;
        private String caKeyPem;
        private String serverCertificatePem;
        private String serverKeyPem;

        private Builder() {
        }

        /** The address to listen on (default 127.0.0.1). */
        public Builder host(String address) {
            this.host = Objects.requireNonNull(address, "host");
            return this;
        }

        /** MQTT over TLS port; 0 picks a free one (default 8883). */
        public Builder mqttPort(int port) {
            this.mqttPort = checkPort(port, "mqttPort", false);
            return this;
        }

        /** MQTT over WebSocket port; 0 picks a free one, -1 turns it off (default 443). */
        public Builder webSocketPort(int port) {
            this.webSocketPort = checkPort(port, "webSocketPort", true);
            return this;
        }

        /**
         * The IoT hub endpoint's MQTT over TLS port; 0 picks a free one, -1 (the default) runs no hub endpoint.
         * Clients reach it under the hub names through {@link HubSimulator#socketFactory()}.
         */
        public Builder hubPort(int port) {
            this.hubPort = checkPort(port, "hubPort", true);
            return this;
        }

        /** The IoT hub endpoint's MQTT over WebSocket port; 0 picks a free one, -1 (the default) turns it off. */
        public Builder hubWebSocketPort(int port) {
            this.hubWebSocketPort = checkPort(port, "hubWebSocketPort", true);
            return this;
        }

        /**
         * The IoT hub service API's HTTP port on loopback (twins, methods, cloud-to-device messages; see
         * {@link HubSimulator#servicePort()}); 0 picks a free one, -1 (the default) runs none. Needs the hub endpoint.
         */
        public Builder hubServicePort(int port) {
            this.hubServicePort = checkPort(port, "hubServicePort", true);
            return this;
        }

        public Builder enrollments(Enrollments list) {
            this.enrollments = Objects.requireNonNull(list, "enrollments");
            return this;
        }

        /** Reads enrollments from a JSON file at {@link #start()}. */
        public Builder enrollmentsFile(Path file) {
            this.enrollmentsFile = Objects.requireNonNull(file, "enrollmentsFile");
            return this;
        }

        /** Where the CA certificate PEM is written (default: a new temporary directory). */
        public Builder caDirectory(Path directory) {
            this.caDirectory = Objects.requireNonNull(directory, "caDirectory");
            return this;
        }

        /** The clock for SAS expiry, certificate validity, assignment delays, throttling and timestamps. */
        public Builder clock(Clock newClock) {
            this.clock = Objects.requireNonNull(newClock, "clock");
            return this;
        }

        /**
         * How many polls an operation needs before it completes (default 1: the first poll gets the result;
         * 0: the register request is answered with the result at once).
         */
        public Builder pollsBeforeAssignment(int polls) {
            if (polls < 0) {
                throw new IllegalArgumentException("pollsBeforeAssignment must be >= 0, was " + polls);
            }
            this.pollsBeforeAssignment = polls;
            return this;
        }

        /** How long after the register request an operation completes at the earliest (default 0). */
        public Builder assignmentDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("assignmentDelay must not be negative, was " + delay);
            }
            this.assignmentDelay = delay;
            return this;
        }

        /**
         * How long the simulated service takes to answer a register or poll request (default 0). Real DPS
         * takes tens of milliseconds or more; some clients rely on that, e.g. the Azure Java SDK 2.x deadlocks
         * when an answer arrives right behind the PUBACK of its request.
         */
        public Builder answerDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("answerDelay must not be negative, was " + delay);
            }
            this.answerDelay = delay;
            return this;
        }

        /** The retry-after sent with 202 answers (default 1 for quick tests; real DPS sends 3). */
        public Builder retryAfterSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must be >= 0, was " + seconds);
            }
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** The id scope devices must name (default: the enrollment file's, else {@value #DEFAULT_ID_SCOPE}). */
        public Builder idScope(String scope) {
            if (scope == null || scope.isBlank() || scope.contains("/")) {
                throw new IllegalArgumentException("idScope must be a non-empty string without '/'");
            }
            this.idScope = scope;
            return this;
        }

        /** Caps register requests across the service; excess ones get 429 with retry-after (default: off). */
        public Builder throttle(double registrationsPerSecond) {
            if (!(registrationsPerSecond > 0)) {
                throw new IllegalArgumentException("throttle must be a positive rate, was " + registrationsPerSecond);
            }
            this.throttle = registrationsPerSecond;
            return this;
        }

        /**
         * How long a certificate issued for a csr lasts when its enrollment does not say
         * ({@link Enrollment#withCertificateValidityDays(int)}): {@value Enrollment#MIN_CERTIFICATE_VALIDITY_DAYS} to
         * {@value Enrollment#MAX_CERTIFICATE_VALIDITY_DAYS} days, as DPS's credential policies (default
         * {@value #DEFAULT_ISSUED_VALIDITY_DAYS}).
         *
         * @throws IllegalArgumentException outside that range
         */
        public Builder issuedCertificateValidityDays(int days) {
            this.issuedCertificateValidity = Duration.ofDays(
                    Enrollment.checkCertificateValidityDays(days, "issuedCertificateValidityDays"));
            return this;
        }

        /**
         * A validity shorter than DPS allows, for tests that watch a certificate expire and be renewed on the real
         * clock (seconds instead of days); everything else uses {@link #issuedCertificateValidityDays(int)}.
         */
        public Builder issuedCertificateValidity(Duration validity) {
            if (validity == null || validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("issuedCertificateValidity must be positive, was " + validity);
            }
            this.issuedCertificateValidity = validity;
            return this;
        }

        /** Use this CA (PEM certificate and unencrypted private key) instead of generating one. */
        public Builder certificateAuthority(String certificatePem, String privateKeyPem) {
            this.caCertificatePem = Objects.requireNonNull(certificatePem, "CA certificate");
            this.caKeyPem = Objects.requireNonNull(privateKeyPem, "CA private key");
            return this;
        }

        /** Use this server certificate chain (PEM, leaf first) and private key instead of issuing one. */
        public Builder serverCertificate(String certificateChainPem, String privateKeyPem) {
            this.serverCertificatePem = Objects.requireNonNull(certificateChainPem, "server certificate");
            this.serverKeyPem = Objects.requireNonNull(privateKeyPem, "server private key");
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws IllegalStateException when a port is taken (naming it) or the CA file cannot be written
         * @throws IllegalArgumentException when the enrollment file is invalid (naming the field)
         */
        public DpsSimulator start() {
            if (hubPort < 0 && hubWebSocketPort >= 0) {
                throw new IllegalArgumentException("hubWebSocketPort needs hubPort: the hub endpoint always serves "
                        + "MQTT over TLS");
            }
            if (hubPort < 0 && hubServicePort >= 0) {
                throw new IllegalArgumentException("hubServicePort needs hubPort: the service API drives the hub "
                        + "endpoint's devices");
            }
            Enrollments list = loadEnrollments();
            String scope = idScope != null ? idScope : list.idScope().orElse(DEFAULT_ID_SCOPE);
            CertificateAuthority authority = caCertificatePem != null
                    ? CertificateAuthority.load(caCertificatePem, caKeyPem, clock) : CertificateAuthority.generate(clock);
            Path caFile = writeCa(authority);
            SslContext ssl = serverSsl(authority);
            Counters counters = new Counters(clock);
            Faults faults = new Faults();
            HubRegistry hubRegistry = new HubRegistry();
            DpsService service = new DpsService(clock, pollsBeforeAssignment, assignmentDelay, retryAfterSeconds,
                    throttle > 0 ? new TokenBucket(throttle, clock) : null, authority, hubRegistry,
                    issuedCertificateValidity);
            Authenticator authenticator = new Authenticator(list, scope, clock, authority.certificate());
            MqttServer server = new MqttServer(ssl,
                    () -> new DpsMqttHandler(service, authenticator, faults, counters, answerDelay));
            server.start(host, mqttPort, webSocketPort);
            HubSimulator hub = null;
            if (hubPort >= 0) {
                try {
                    hub = HubSimulator.start(host, hubPort, hubWebSocketPort, hubServicePort, authority, hubRegistry,
                            list, clock, device -> clientSslContext(authority, device));
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
            DpsSimulator simulator = new DpsSimulator(server, hub, authority, caFile, list, faults, counters, scope,
                    host);
            LOG.log(Level.INFO, "DPS simulator listening: " + simulator + ", CA certificate in " + caFile);
            return simulator;
        }

        private Enrollments loadEnrollments() {
            if (enrollments != null && enrollmentsFile != null) {
                throw new IllegalArgumentException("give enrollments or enrollmentsFile, not both");
            }
            if (enrollmentsFile == null) {
                return enrollments != null ? enrollments : Enrollments.empty();
            }
            try {
                return Enrollments.fromJson(enrollmentsFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read enrollment file " + enrollmentsFile, e);
            }
        }

        private Path writeCa(CertificateAuthority authority) {
            try {
                Path directory = caDirectory != null ? Files.createDirectories(caDirectory)
                        : Files.createTempDirectory("kura-dps-simulator");
                return Files.writeString(directory.resolve(CA_FILE_NAME), Pem.encode(authority.certificate()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the CA certificate to " + caDirectory, e);
            }
        }

        private SslContext serverSsl(CertificateAuthority authority) {
            SslContextBuilder builder;
            if (serverCertificatePem != null) {
                builder = SslContextBuilder.forServer(Pem.privateKey(serverKeyPem),
                        Pem.certificates(serverCertificatePem).toArray(X509Certificate[]::new));
            } else {
                CertificateAuthority.IssuedCertificate server = authority.issueServerCertificate(host);
                builder = SslContextBuilder.forServer(server.key(), server.certificate(), server.issuer());
            }
            return ServerTls.build(builder);
        }

        private static int checkPort(int port, String name, boolean mayBeOff) {
            if (port < (mayBeOff ? -1 : 0) || port > 65535) {
                throw new IllegalArgumentException(name + " must be " + (mayBeOff ? "-1 (off), " : "")
                        + "0 (any free port) or 1..65535, was " + port);
            }
            return port;
        }
    }
}
