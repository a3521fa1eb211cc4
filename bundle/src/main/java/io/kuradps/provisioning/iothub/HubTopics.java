package io.kuradps.provisioning.iothub;

import java.util.regex.Pattern;

import io.kuradps.provisioning.protocol.UrlEncoding;

/**
 * Every topic a device uses on IoT Hub once connected (Microsoft's "Communicate with an IoT hub using the MQTT
 * protocol"): the subscription filters, the request topics built, the topics the hub publishes on parsed. Parameters
 * after {@code ?} may come in any order and are percent-decoded; parameters this core does not use are ignored; one
 * given twice is an error. A topic the hub would not send raises {@link HubProtocolException} naming the part.
 */
public final class HubTopics {

    /** Answers to twin GETs and reported patches. */
    public static final String TWIN_RESPONSES = "$iothub/twin/res/#";
    /** Desired-property updates, sent only while the device is subscribed (so: connected). */
    public static final String DESIRED_UPDATES = "$iothub/twin/PATCH/properties/desired/#";
    /** Direct method calls. */
    public static final String METHOD_CALLS = "$iothub/methods/POST/#";

    static final String RID = "$rid";
    static final String VERSION = "$version";

    private static final String TWIN_RESPONSE_PREFIX = "$iothub/twin/res/";
    private static final String DESIRED_PREFIX = "$iothub/twin/PATCH/properties/desired/";
    private static final String TWIN_GET_PREFIX = "$iothub/twin/GET/?$rid=";
    private static final String REPORTED_PREFIX = "$iothub/twin/PATCH/properties/reported/?$rid=";
    private static final String METHOD_CALL_PREFIX = "$iothub/methods/POST/";
    private static final String METHOD_RESPONSE_PREFIX = "$iothub/methods/res/";
    private static final String DEVICES_PREFIX = "devices/";
    private static final String DEVICEBOUND = "/messages/devicebound/";
    private static final String EVENTS = "/messages/events/";
    private static final String QUERY = "/?";
    private static final Pattern STATUS = Pattern.compile("[1-5][0-9]{2}");
    /** A twin's $version is a positive 64-bit count; 18 digits always fit a long. */
    private static final Pattern VERSION_DIGITS = Pattern.compile("[0-9]{1,18}");
    /** Direct method answers carry the device's own status; the Azure SDKs send any 16-bit value. */
    static final int MAX_METHOD_STATUS = 65535;

    private HubTopics() {
    }

    /** {@code $iothub/twin/GET/?$rid={rid}}; publish an empty body. */
    public static String twinGet(String rid) {
        return TWIN_GET_PREFIX + UrlEncoding.encode(requireRid(rid));
    }

    /** {@code $iothub/twin/PATCH/properties/reported/?$rid={rid}}; publish the patch. */
    public static String reportedPatch(String rid) {
        return REPORTED_PREFIX + UrlEncoding.encode(requireRid(rid));
    }

    /** {@code $iothub/methods/res/{status}/?$rid={rid}}, the rid exactly as the call carried it. */
    public static String methodResponse(int status, String rid) {
        if (status < 0 || status > MAX_METHOD_STATUS) {
            throw new IllegalArgumentException("method status " + status + " is outside 0.." + MAX_METHOD_STATUS);
        }
        return METHOD_RESPONSE_PREFIX + status + "/?$rid=" + UrlEncoding.encode(requireRid(rid));
    }

    /** {@code devices/{deviceId}/messages/devicebound/#}. */
    public static String cloudToDeviceFilter(String deviceId) {
        return DEVICES_PREFIX + UrlEncoding.encode(deviceId) + DEVICEBOUND + "#";
    }

    /** {@code devices/{deviceId}/messages/events/{property bag}}; the device id percent-encoded as the bag is. */
    public static String telemetry(String deviceId, PropertyBag properties) {
        return DEVICES_PREFIX + UrlEncoding.encode(deviceId) + EVENTS + properties.encode();
    }

    /**
     * What the hub's topic is: a twin response, a desired update, a method call or a cloud-to-device message.
     *
     * @throws HubProtocolException for any other topic, or one of these with a part missing or malformed
     */
    public static ReceivedTopic parse(String topic) throws HubProtocolException {
        if (topic == null) {
            throw new HubProtocolException("topic: missing");
        }
        if (topic.startsWith(TWIN_RESPONSE_PREFIX)) {
            return twinResponse(topic.substring(TWIN_RESPONSE_PREFIX.length()));
        }
        if (topic.startsWith(DESIRED_PREFIX)) {
            return desiredUpdate(topic.substring(DESIRED_PREFIX.length()));
        }
        if (topic.startsWith(METHOD_CALL_PREFIX)) {
            return methodCall(topic.substring(METHOD_CALL_PREFIX.length()));
        }
        if (topic.startsWith(DEVICES_PREFIX) && topic.indexOf(DEVICEBOUND) > DEVICES_PREFIX.length()) {
            return cloudToDevice(topic);
        }
        throw new HubProtocolException("topic: not one IoT Hub sends to a device (twin response, desired update,"
                + " method call or cloud-to-device message)");
    }

    private static ReceivedTopic twinResponse(String rest) throws HubProtocolException {
        int query = rest.indexOf(QUERY);
        if (query < 0) {
            throw new HubProtocolException("twin response topic: no '/?' parameters after the status");
        }
        String status = rest.substring(0, query);
        if (!STATUS.matcher(status).matches()) {
            throw new HubProtocolException("twin response topic status: '" + status + "' is not an HTTP status code");
        }
        PropertyBag parameters = PropertyBag.parse(rest.substring(query + QUERY.length()));
        String version = parameters.get(VERSION).orElse(null);
        return new ReceivedTopic.TwinResponse(Integer.parseInt(status), requiredRid(parameters, "twin response"),
                version == null ? null : version(version, "twin response"));
    }

    private static ReceivedTopic desiredUpdate(String rest) throws HubProtocolException {
        if (!rest.startsWith("?")) {
            throw new HubProtocolException("desired update topic: no '?$version=' after properties/desired/");
        }
        PropertyBag parameters = PropertyBag.parse(rest);
        String version = parameters.get(VERSION).orElse(null);
        if (version == null) {
            throw new HubProtocolException("desired update topic: no $version, so the update cannot be ordered");
        }
        return new ReceivedTopic.DesiredUpdate(version(version, "desired update"));
    }

    private static ReceivedTopic methodCall(String rest) throws HubProtocolException {
        int query = rest.indexOf(QUERY);
        if (query <= 0 || rest.lastIndexOf('/', query - 1) >= 0) {
            throw new HubProtocolException("method call topic: expected {method name}/?$rid=... after POST/");
        }
        return new ReceivedTopic.MethodCall(rest.substring(0, query),
                requiredRid(PropertyBag.parse(rest.substring(query + QUERY.length())), "method call"));
    }

    private static ReceivedTopic cloudToDevice(String topic) throws HubProtocolException {
        int end = topic.indexOf(DEVICEBOUND);
        String deviceId = topic.substring(DEVICES_PREFIX.length(), end);
        if (deviceId.indexOf('/') >= 0) {
            throw new HubProtocolException("cloud-to-device topic: expected devices/{deviceId}/messages/devicebound/");
        }
        return new ReceivedTopic.CloudToDevice(PropertyBag.decode(deviceId, "cloud-to-device topic device id"),
                PropertyBag.parse(topic.substring(end + DEVICEBOUND.length())));
    }

    private static String requiredRid(PropertyBag parameters, String what) throws HubProtocolException {
        String rid = parameters.get(RID).orElse("");
        if (rid.isEmpty()) {
            throw new HubProtocolException(what + " topic: no $rid, so it matches no request");
        }
        return rid;
    }

    private static long version(String value, String what) throws HubProtocolException {
        if (!VERSION_DIGITS.matcher(value).matches()) {
            throw new HubProtocolException(what + " topic $version: '" + value + "' is not a version number");
        }
        return Long.parseLong(value);
    }

    private static String requireRid(String rid) {
        if (rid == null || rid.isEmpty()) {
            throw new IllegalArgumentException("a request needs a $rid");
        }
        return rid;
    }
}
