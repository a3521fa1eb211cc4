package io.kuradps.runtime.support.cloud;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import io.kuradps.runtime.support.crypto.PasswordProperties;

/**
 * What Kura's MqttDataTransport (5.0) makes of its configuration before it connects: the broker URL in Paho's
 * form ({@code mqtt://} to {@code tcp://}, {@code mqtts://} to {@code ssl://}, one trailing slash dropped), the
 * client id with {@code / + # .} rewritten to {@code -} (the primary MAC address when empty), the password
 * decrypted (or as given when it does not decrypt; an empty one is none), the LWT only when its topic is not empty, and
 * {@code #account-name} and {@code #client-id} replaced in topics. Immutable; a bad value is refused with the
 * property's id.
 */
final class MqttTransportSettings {

    static final String BROKER_URL = "broker-url";
    static final String ACCOUNT_NAME = "topic.context.account-name";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CLIENT_ID = "client-id";
    static final String KEEP_ALIVE = "keep-alive";
    static final String TIMEOUT = "timeout";
    static final String CLEAN_SESSION = "clean-session";
    static final String LWT_TOPIC = "lwt.topic";
    static final String LWT_PAYLOAD = "lwt.payload";
    static final String LWT_QOS = "lwt.qos";
    static final String LWT_RETAIN = "lwt.retain";
    static final String PERSISTENCE = "in-flight.persistence";
    static final String PROTOCOL_VERSION = "protocol-version";

    private static final Pattern TOPIC_VARIABLE = Pattern.compile("#([^\\s/]+)");
    private static final String ACCOUNT_NAME_VARIABLE = "account-name";
    private static final String CLIENT_ID_VARIABLE = "client-id";

    private final String brokerUrl;
    private final String clientId;
    private final String username;
    private final char[] password;
    private final int keepAlive;
    private final int timeout;
    private final boolean cleanSession;
    private final Integer protocolVersion;
    private final boolean filePersistence;
    private final Map<String, String> topicContext;
    private final String willTopic;
    private final byte[] willPayload;
    private final int willQos;
    private final boolean willRetain;

    private MqttTransportSettings(Map<String, Object> properties, CryptoService crypto, String primaryMacAddress) {
        String configuredClientId = text(properties, CLIENT_ID);
        if (configuredClientId == null || configuredClientId.trim().isEmpty()) {
            configuredClientId = primaryMacAddress;
        }
        if (configuredClientId == null || configuredClientId.trim().isEmpty()) {
            throw new IllegalArgumentException(CLIENT_ID + " is empty and the gateway has no primary MAC address");
        }
        this.clientId = configuredClientId.replace('/', '-').replace('+', '-').replace('#', '-').replace('.', '-');

        String url = text(properties, BROKER_URL);
        if (url == null || url.trim().isEmpty()) {
            throw new IllegalArgumentException(BROKER_URL + " is empty");
        }
        this.brokerUrl = url.trim().replaceAll("^mqtt://", "tcp://").replaceAll("^mqtts://", "ssl://")
                .replaceAll("/$", "");

        this.keepAlive = notNegative(properties, KEEP_ALIVE);
        this.timeout = notNegative(properties, TIMEOUT);
        Object clean = properties.get(CLEAN_SESSION);
        if (clean == null) {
            throw new IllegalArgumentException(CLEAN_SESSION + " is not set");
        }
        this.cleanSession = (Boolean) clean;
        this.username = text(properties, USERNAME);
        this.password = PasswordProperties.clear(properties.get(PASSWORD), crypto);
        this.protocolVersion = (Integer) properties.get(PROTOCOL_VERSION);

        String persistence = text(properties, PERSISTENCE);
        if (!"file".equals(persistence) && !"memory".equals(persistence)) {
            throw new IllegalArgumentException(PERSISTENCE + " is neither file nor memory");
        }
        this.filePersistence = "file".equals(persistence);

        Map<String, String> context = new HashMap<>();
        String accountName = text(properties, ACCOUNT_NAME);
        if (accountName != null) {
            context.put(ACCOUNT_NAME_VARIABLE, accountName);
        }
        context.put(CLIENT_ID_VARIABLE, this.clientId);
        this.topicContext = context;

        String lwtTopic = text(properties, LWT_TOPIC);
        if (lwtTopic == null || lwtTopic.isEmpty()) {
            this.willTopic = null;
            this.willPayload = new byte[0];
            this.willQos = 0;
            this.willRetain = false;
        } else {
            this.willTopic = replaceTopicVariables(lwtTopic);
            String payload = text(properties, LWT_PAYLOAD);
            this.willPayload = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
            Object qos = properties.get(LWT_QOS);
            this.willQos = qos == null ? 0 : (Integer) qos;
            Object retain = properties.get(LWT_RETAIN);
            this.willRetain = retain != null && (Boolean) retain;
        }
    }

    /**
     * @param primaryMacAddress the client id when {@value #CLIENT_ID} is empty, as in Kura
     * @throws IllegalArgumentException naming the property that is missing or wrong (never quoting the password)
     */
    static MqttTransportSettings of(Map<String, Object> properties, CryptoService crypto, String primaryMacAddress) {
        try {
            return new MqttTransportSettings(properties, crypto, primaryMacAddress);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("a property of the MqttDataTransport has the wrong type: "
                    + e.getMessage());
        }
    }

    private static String text(Map<String, Object> properties, String key) {
        Object value = properties.get(key);
        return value == null ? null : value.toString();
    }

    private static int notNegative(Map<String, Object> properties, String key) {
        Object value = properties.get(key);
        if (!(value instanceof Integer) || (Integer) value < 0) {
            throw new IllegalArgumentException(key + " must be an Integer of 0 or more");
        }
        return (Integer) value;
    }

    /** The URL Paho connects to. */
    String brokerUrl() {
        return this.brokerUrl;
    }

    String clientId() {
        return this.clientId;
    }

    String username() {
        return this.username;
    }

    String accountName() {
        return this.topicContext.get(ACCOUNT_NAME_VARIABLE);
    }

    /** Seconds. */
    int timeout() {
        return this.timeout;
    }

    boolean cleanSession() {
        return this.cleanSession;
    }

    boolean filePersistence() {
        return this.filePersistence;
    }

    /** TLS, by Kura's test: the URL starts with ssl or wss. */
    boolean secure() {
        return secure(this.brokerUrl);
    }

    /** Kura's test of a Paho URL for TLS. */
    static boolean secure(String pahoUrl) {
        return pahoUrl.startsWith("ssl") || pahoUrl.startsWith("wss");
    }

    /** Kura's session id: client id and broker URL. */
    String sessionId() {
        return this.clientId + "-" + this.brokerUrl;
    }

    /** Fresh options for one connection attempt (Paho's are mutable). */
    MqttConnectOptions connectOptions() {
        MqttConnectOptions options = new MqttConnectOptions();
        if (this.username != null && !this.username.isEmpty()) {
            options.setUserName(this.username);
        }
        // Kura sets a password only when it is not empty (buildConfiguration): an X.509 device clears it so.
        if (this.password != null && this.password.length > 0) {
            options.setPassword(this.password.clone());
        }
        options.setKeepAliveInterval(this.keepAlive);
        options.setConnectionTimeout(this.timeout);
        options.setCleanSession(this.cleanSession);
        if (this.protocolVersion != null) {
            options.setMqttVersion(this.protocolVersion);
        }
        if (this.willTopic != null) {
            options.setWill(this.willTopic, this.willPayload.clone(), this.willQos, this.willRetain);
        }
        return options;
    }

    /** {@code #account-name} and {@code #client-id} replaced by their values; unknown variables stay. */
    String replaceTopicVariables(String topic) {
        Matcher variable = TOPIC_VARIABLE.matcher(topic);
        StringBuffer replaced = new StringBuffer();
        while (variable.find()) {
            String value = this.topicContext.get(variable.group(1));
            variable.appendReplacement(replaced, Matcher.quoteReplacement(value == null ? variable.group(0) : value));
        }
        variable.appendTail(replaced);
        return replaced.toString();
    }

    /** No password: it is a secret. */
    @Override
    public String toString() {
        return this.clientId + "@" + this.brokerUrl;
    }
}
