package io.kuradps.provisioning.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kuradps.provisioning.iothub.DirectMethods;
import io.kuradps.provisioning.iothub.HubProtocolException;
import io.kuradps.provisioning.iothub.HubTopics;
import io.kuradps.provisioning.iothub.PropertyBag;
import io.kuradps.provisioning.iothub.ReceivedTopic;
import io.kuradps.provisioning.iothub.TwinBodies;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of what IoT Hub sends a device: topics (assembled from the hub's parts, and arbitrary) and twin and method
 * bodies (the documented ones mutated byte by byte, JSON-ish noise, arbitrary bytes). Whatever comes in, the parsers
 * return a value or throw {@link HubProtocolException} with a message; nothing else escapes. Tries as in
 * {@link ParserFuzzTest}.
 */
class HubParserFuzzTest {

    private static final List<byte[]> REAL_BODIES = realBodies();

    @Property
    void topicsParseOrRaiseOnlyTheCoreException(@ForAll("topics") String topic) {
        try {
            assertThat(HubTopics.parse(topic)).isInstanceOf(ReceivedTopic.class);
        } catch (HubProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            PropertyBag.parse(topic);
        } catch (HubProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void bodiesParseOrRaiseOnlyTheCoreException(@ForAll("bodies") byte[] body) {
        try {
            TwinBodies.parseTwin(body);
        } catch (HubProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            TwinBodies.parseDesiredPatch(body, 8);
        } catch (HubProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            DirectMethods.request(call(), body, Instant.EPOCH, Duration.ofSeconds(5));
        } catch (HubProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> prefix = Arbitraries.of("$iothub/twin/res/", "$iothub/twin/PATCH/properties/desired/",
                "$iothub/methods/POST/", "devices/", "$iothub/twin/", "$iothub/methods/res/", "");
        Arbitrary<String> middle = Arbitraries.oneOf(Arbitraries.of("200", "204", "429", "2x", "", "m", "d/x",
                "dev%2", "dev/messages/devicebound"), Arbitraries.strings().ofMaxLength(10));
        Arbitrary<String> separator = Arbitraries.of("/?", "?", "/", "/messages/devicebound/", "");
        Arbitrary<String> name = Arbitraries.of("$rid", "$version", "$.mid", "%24.to", "iothub-ack", "", "=", "x");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.of("%", "%2", "%zz", "%ff%fe", "%C3%A9", "99999999999999999999", "-1", "1.0"));
        Arbitrary<String> parameter = Combinators.combine(name, Arbitraries.of("=", "", "=="), value)
                .as((n, eq, v) -> n + eq + v);
        Arbitrary<String> query = parameter.list().ofMaxSize(5).map(p -> String.join("&", p));
        Arbitrary<String> structured = Combinators.combine(prefix, middle, separator, query)
                .as((p, m, s, q) -> p + m + s + q);
        return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(200));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return ParserFuzzTest.bodiesFrom(REAL_BODIES);
    }

    private static ReceivedTopic.MethodCall call() {
        try {
            return (ReceivedTopic.MethodCall) HubTopics.parse("$iothub/methods/POST/m/?$rid=1");
        } catch (HubProtocolException e) {
            throw new AssertionError(e);
        }
    }

    private static List<byte[]> realBodies() {
        ObjectMapper mapper = new ObjectMapper();
        try (InputStream in = HubParserFuzzTest.class.getResourceAsStream("/vectors/iothub/msdocs.json")) {
            JsonNode docs = mapper.readTree(in);
            List<byte[]> bodies = new ArrayList<>();
            for (String name : new String[] { "twin_get_response", "reported_patch", "twin_with_metadata",
                "depth_ten_is_valid", "method_payload" }) {
                bodies.add(mapper.writeValueAsBytes(docs.get(name)));
            }
            bodies.add(mapper.writeValueAsBytes(docs.at("/desired_update/body")));
            bodies.add(mapper.writeValueAsBytes(docs.at("/twin_with_metadata/properties")));
            return bodies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
