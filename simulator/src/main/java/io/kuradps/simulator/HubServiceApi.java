package io.kuradps.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulated hubs' service side over HTTP on loopback, for driving a running simulator from a shell (the
 * standalone simulator, the gateway runtime). Twins and methods take the paths and bodies of IoT Hub's service REST
 * API; IoT Hub sends cloud-to-device messages over AMQP only, so that one has a path of its own. No authentication:
 * it listens on {@value #LOOPBACK} only. Every request maps onto {@link HubSimulator}'s service methods.
 *
 * <pre>
 * GET   /twins/{deviceId}                          the twin
 * PATCH /twins/{deviceId}                          {"properties":{"desired":{...}}}: a desired merge patch
 * POST  /twins/{deviceId}/methods                  {"methodName":"m","payload":{...},"responseTimeoutInSeconds":30}
 * POST  /devices/{deviceId}/messages/devicebound?{property bag}   body = the message
 * GET   /devices/{deviceId}/messages/devicebound   the messages sent to the device and their states
 * </pre>
 */
final class HubServiceApi implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    private static final System.Logger LOG = System.getLogger(HubServiceApi.class.getName());

    private final HubSimulator hub;
    private final HttpServer server;
    private final ExecutorService threads;

    private HubServiceApi(HubSimulator hub, HttpServer server, ExecutorService threads) {
        this.hub = hub;
        this.server = server;
        this.threads = threads;
    }

    /** @throws IllegalStateException when the port is taken (naming it) */
    static HubServiceApi start(HubSimulator hub, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(LOOPBACK, port), 0);
        } catch (BindException e) {
            throw new IllegalStateException("cannot listen for the IoT hub service API on " + LOOPBACK + ":" + port
                    + " (" + e.getMessage() + "): is another process using the port?", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the IoT hub service API", e);
        }
        // a method call holds its thread until the device answers or the call times out
        ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "kura-dps-hub-service-api");
            thread.setDaemon(true);
            return thread;
        });
        HubServiceApi api = new HubServiceApi(hub, server, threads);
        server.setExecutor(threads);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (HubServiceException e) {
                answer(exchange, e.status(), DpsJson.errorBody(e.errorCode(), e.getMessage(),
                        java.time.Instant.now()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "service API request failed", e);
                answer(exchange, 500, DpsJson.errorBody(500000, "ServerError: " + e, java.time.Instant.now()));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
                .filter(part -> !part.isEmpty()).map(part -> URLDecoder.decode(part, StandardCharsets.UTF_8)).toList();
        String method = exchange.getRequestMethod();
        if (path.size() == 2 && path.get(0).equals("twins")) {
            if (method.equals("GET")) {
                answer(exchange, 200, twin(hub.twin(path.get(1))));
            } else if (method.equals("PATCH")) {
                answer(exchange, 200, twin(hub.updateDesired(path.get(1), desiredPatch(exchange))));
            } else {
                notAllowed(exchange, "GET, PATCH");
            }
        } else if (path.size() == 3 && path.get(0).equals("twins") && path.get(2).equals("methods")) {
            if (method.equals("POST")) {
                invoke(exchange, path.get(1));
            } else {
                notAllowed(exchange, "POST");
            }
        } else if (path.size() == 4 && path.get(0).equals("devices") && path.get(2).equals("messages")
                && path.get(3).equalsIgnoreCase("devicebound")) {
            if (method.equals("POST")) {
                String query = exchange.getRequestURI().getRawQuery();
                String messageId = hub.sendToDevice(path.get(1), exchange.getRequestBody().readAllBytes(),
                        query == null ? Map.of() : PropertyBag.decode(query));
                ObjectNode sent = DpsJson.MAPPER.createObjectNode();
                sent.put("messageId", messageId);
                answer(exchange, 200, sent);
            } else if (method.equals("GET")) {
                answer(exchange, 200, messages(hub.cloudToDeviceMessages(path.get(1))));
            } else {
                notAllowed(exchange, "GET, POST");
            }
        } else {
            answer(exchange, 404, DpsJson.errorBody(404000, "NotFound: " + exchange.getRequestURI().getPath()
                    + " is none of /twins/{id}, /twins/{id}/methods, /devices/{id}/messages/devicebound",
                    java.time.Instant.now()));
        }
    }

    /** IoT Hub's Update Twin body: {@code {"properties":{"desired":{...}}}}; only desired can be patched here. */
    private static String desiredPatch(HttpExchange exchange) throws IOException {
        JsonNode body = json(exchange);
        JsonNode desired = body.path("properties").path("desired");
        if (!desired.isObject()) {
            throw HubServiceException.argumentInvalid("the body must be {\"properties\":{\"desired\":{...}}}");
        }
        return desired.toString();
    }

    /** IoT Hub's Invoke Device Method: 200 with the device's status and payload, else the hub's error status. */
    private void invoke(HttpExchange exchange, String deviceId) throws IOException {
        JsonNode body = json(exchange);
        JsonNode timeout = body.path("responseTimeoutInSeconds");
        Duration responseTimeout = timeout.isMissingNode() || timeout.isNull() ? DirectMethods.DEFAULT_RESPONSE_TIMEOUT
                : Duration.ofSeconds(timeout.asLong());
        JsonNode payload = body.get("payload");
        MethodResult result;
        try {
            result = hub.invokeMethod(deviceId, body.path("methodName").asText(null),
                    payload == null ? null : payload.toString(), responseTimeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the device", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the method call failed", e.getCause());
        }
        if (!result.answeredByDevice()) {
            answer(exchange, result.status(), (ObjectNode) DpsJson.MAPPER.readTree(result.payload()));
            return;
        }
        ObjectNode answer = DpsJson.MAPPER.createObjectNode();
        answer.put("status", result.status());
        if (result.payload() == null) {
            answer.putNull("payload");
        } else {
            try {
                answer.set("payload", DpsJson.MAPPER.readTree(result.payload()));
            } catch (IOException notJson) {
                answer.put("payload", result.payload());
            }
        }
        answer(exchange, 200, answer);
    }

    private static JsonNode json(HttpExchange exchange) throws IOException {
        try {
            JsonNode body = DpsJson.MAPPER.readTree(exchange.getRequestBody());
            if (body == null || !body.isObject()) {
                throw HubServiceException.argumentInvalid("the body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HubServiceException.argumentInvalid("the body is not valid JSON");
        }
    }

    private static ObjectNode twin(Twin twin) throws IOException {
        ObjectNode node = DpsJson.MAPPER.createObjectNode();
        node.put("deviceId", twin.deviceId());
        node.put("hub", twin.hub());
        ObjectNode properties = node.putObject("properties");
        properties.set("desired", DpsJson.MAPPER.readTree(twin.desired()));
        properties.set("reported", DpsJson.MAPPER.readTree(twin.reported()));
        return node;
    }

    private static ArrayNode messages(List<CloudToDeviceMessage> messages) {
        ArrayNode list = DpsJson.MAPPER.createArrayNode();
        for (CloudToDeviceMessage message : messages) {
            ObjectNode node = list.addObject();
            node.put("messageId", message.messageId());
            node.put("state", message.state().name());
            node.put("acknowledged", message.acknowledged());
            node.put("deliveries", message.deliveries());
            node.put("enqueuedTimeUtc", message.enqueuedAt().toString());
            node.put("expiryTimeUtc", message.expiresAt().toString());
            ObjectNode properties = node.putObject("properties");
            message.properties().forEach(properties::put);
            node.put("payload", message.payloadText());
        }
        return list;
    }

    private static void notAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        answer(exchange, 405, DpsJson.errorBody(405000, "MethodNotAllowed: use " + allowed, java.time.Instant.now()));
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = DpsJson.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
