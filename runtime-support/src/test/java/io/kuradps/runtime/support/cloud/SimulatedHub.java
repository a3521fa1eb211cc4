package io.kuradps.runtime.support.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.HubSimulator;

/**
 * The simulator's DPS and IoT hub on loopback, and what a test needs of them: a device provisioned (registered
 * through DPS over MQTT, as a gateway would, so the hub knows it), its SAS token, and keystore files.
 */
final class SimulatedHub implements AutoCloseable {

    static final String KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    static final String OTHER_KEY = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lE=";
    static final String HUB = "kura-dps-stand-in-hub.azure-devices.net";
    static final String API_VERSION = "2021-04-12";
    static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();
    static final Duration WAIT = Duration.ofSeconds(15);

    private static final Pattern ASSIGNED_HUB = Pattern.compile("\"assignedHub\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern DEVICE_ID = Pattern.compile("\"deviceId\"\\s*:\\s*\"([^\"]+)\"");

    final DpsSimulator dps;
    final HubSimulator hub;

    SimulatedHub() {
        this.dps = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).hubWebSocketPort(0)
                .pollsBeforeAssignment(0).idScope("0ne0000RTS1").enrollments(Enrollments.empty()).start();
        this.hub = this.dps.hub();
    }

    @Override
    public void close() {
        this.dps.close();
    }

    /** Where DPS sent the device. */
    static final class Device {

        final String hub;
        final String id;

        Device(String hub, String id) {
            this.hub = hub;
            this.id = id;
        }

        String username() {
            return this.hub + "/" + this.id + "/?api-version=" + API_VERSION;
        }

        String telemetryTopic() {
            return "devices/" + this.id + "/messages/events/";
        }
    }

    /** An individual symmetric-key enrollment for that registration id (and device id), then registered. */
    Device provision(String registrationId, String deviceId) throws Exception {
        this.dps.enrollments().put(Enrollment.individual(registrationId, Attestation.symmetricKey(KEY))
                .withDeviceId(deviceId).withIotHubs(HUB));
        String resource = this.dps.idScope() + "/registrations/" + registrationId;
        return register(registrationId, sas(resource, KEY, Instant.now().plusSeconds(3600)) + "&skn=registration",
                this.dps.clientSslContext());
    }

    /** An individual X.509 enrollment trusting the simulator's CA, registered with that device's certificate. */
    Device provision(DeviceIdentity device) throws Exception {
        this.dps.enrollments().put(Enrollment.individual(device.registrationId(), Attestation.x509BySimulatorCa())
                .withIotHubs(HUB));
        return register(device.registrationId(), null, this.dps.clientSslContext(device));
    }

    private Device register(String registrationId, String password, SSLContext tls) throws Exception {
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient("ssl://localhost:" + this.dps.mqttPort(), registrationId,
                new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                answers.add("lost: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                answers.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Only the answer matters.
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(this.dps.idScope() + "/registrations/" + registrationId + "/api-version=2021-06-01");
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        options.setSocketFactory(tls.getSocketFactory());
        try {
            client.connect(options);
            client.subscribe("$dps/registrations/res/#", 1);
            client.publish("$dps/registrations/PUT/iotdps-register/?$rid=1",
                    ("{\"registrationId\":\"" + registrationId + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
            String answer = answers.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(answer).as("DPS's answer").isNotNull().startsWith("$dps/registrations/res/200/");
            return new Device(group(ASSIGNED_HUB, answer), group(DEVICE_ID, answer));
        } finally {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    /** A device SAS token for the hub, signed with that key. */
    static String deviceToken(Device device, String key, Instant expiry) throws Exception {
        return sas(device.hub + "/devices/" + device.id, key, expiry);
    }

    private static String sas(String resource, String key, Instant expiry) throws Exception {
        String sr = URLEncoder.encode(resource, "UTF-8");
        long se = expiry.getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((sr + "\n" + se).getBytes(StandardCharsets.UTF_8)));
        return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(signature, "UTF-8") + "&se=" + se;
    }

    /**
     * A keystore trusting one root of the JDK's own trust store and not the simulator's CA, as Kura's stock
     * keystore trusts two roots and not Azure's.
     */
    Path keystoreWithAnUnrelatedRoot(Path file) throws Exception {
        KeyStore jdkRoots = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(
                Paths.get(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            jdkRoots.load(in, null);
        }
        String alias = jdkRoots.aliases().nextElement();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setCertificateEntry(alias, jdkRoots.getCertificate(alias));
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, KEYSTORE_PASSWORD);
        }
        return file;
    }

    /** A PKCS12 keystore file: the simulator's CA if asked, the device's key and chain if given. */
    Path keystore(Path file, boolean withSimulatorCa, DeviceIdentity device) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        if (withSimulatorCa) {
            keyStore.setCertificateEntry("dps-simulator-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(
                            this.dps.caCertificatePem().getBytes(StandardCharsets.US_ASCII))));
        }
        if (device != null) {
            KeyStore deviceStore = device.keyStore();
            Key key = deviceStore.getKey(DeviceIdentity.ALIAS, device.password());
            keyStore.setKeyEntry("device", key, KEYSTORE_PASSWORD,
                    deviceStore.getCertificateChain(DeviceIdentity.ALIAS));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, KEYSTORE_PASSWORD);
        }
        return file;
    }
}
