package io.kuradps.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an IoT hub CONNECT username says: {@code {hub}/{deviceId}/?api-version={version}}, optionally with
 * {@code &model-id={dtmi}} (IoT Plug and Play) and other parameters such as the SDKs' {@code DeviceClientType},
 * which the hub ignores. Parameter values may be percent-encoded.
 *
 * @param hub the hub host name the device names
 * @param deviceId the device id
 * @param apiVersion the api-version parameter
 * @param modelId the model-id parameter, percent-decoded, or null
 */
record HubCredentials(String hub, String deviceId, String apiVersion, String modelId) {

    /** What IoT Hub allows in a device id. */
    static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}");
    private static final Pattern USERNAME = Pattern.compile("([^/]+)/([^/]+)/\\?(.*)");
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    /** A Digital Twins model identifier, e.g. {@code dtmi:com:example:Thermostat;1}. */
    private static final Pattern DTMI = Pattern.compile(
            "dtmi:[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?(?::[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?)*;[1-9][0-9]{0,8}");

    /**
     * @throws IllegalArgumentException saying what is wrong with the username's form (it holds no secret)
     */
    static HubCredentials parse(String username) {
        if (username == null) {
            throw new IllegalArgumentException("no username (it must be {hub}/{deviceId}/?api-version=...)");
        }
        Matcher m = USERNAME.matcher(username);
        if (!m.matches()) {
            throw new IllegalArgumentException("username '" + username + "' is not {hub}/{deviceId}/?api-version=...");
        }
        String deviceId = m.group(2);
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("username names device id '" + deviceId + "', which IoT Hub does not "
                    + "allow (1..128 of letters, digits and - . % _ * ? ! ( ) , : = @ $ ')");
        }
        String apiVersion = null;
        String modelId = null;
        for (String parameter : m.group(3).split("&")) {
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
            if (name.equals("api-version")) {
                apiVersion = value;
            } else if (name.equals("model-id")) {
                modelId = value;
            }
        }
        if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("username '" + username + "' has no api-version=YYYY-MM-DD parameter");
        }
        if (modelId != null && !DTMI.matcher(modelId).matches()) {
            throw new IllegalArgumentException("username's model-id '" + modelId + "' is not a DTMI such as "
                    + "dtmi:com:example:Thermostat;1");
        }
        return new HubCredentials(m.group(1), deviceId, apiVersion, modelId);
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
