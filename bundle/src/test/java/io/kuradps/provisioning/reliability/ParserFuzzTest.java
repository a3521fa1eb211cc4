package io.kuradps.provisioning.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.kuradps.provisioning.protocol.Bodies;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of what arrives from the network: response topics and bodies, near-valid (real DPS answers mutated byte
 * by byte, topics assembled from DPS's parts) and arbitrary. Whatever comes in, the parsers return a value or throw
 * {@link DpsProtocolException} with a message; nothing else escapes. Tries: jqwik's default (1,000) in the normal run;
 * the long profile sets {@code jqwik.tries.default} to 100,000.
 */
class ParserFuzzTest {

    private static final String[] VECTORS = { "csdk_assigned.json", "csdk_assigned_with_custom_payload.json",
        "csdk_assigning.json", "csdk_assigning_with_registrationState.json", "csdk_disabled.json",
        "csdk_error_401002_invalid_certificate.json", "csdk_failed_400207_custom_allocation.json",
        "real_dps_error_401000_unauthorized.json", "real_registrationState_deviceDataMigrated.json",
        "kanto_assigned_reprovisionedToInitialAssignment.json" };
    private static final List<byte[]> REAL_BODIES = realBodies();

    @Property
    void responseTopicsParseOrRaiseOnlyTheCoreException(@ForAll("topics") String topic) {
        try {
            assertThat(Topics.parseResponse(topic).rid()).isNotEmpty();
        } catch (DpsProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void bodiesParseOrRaiseOnlyTheCoreException(@ForAll("bodies") byte[] body) {
        try {
            Bodies.parseOperationStatus(body);
        } catch (DpsProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Bodies.parseError(body);
        } catch (DpsProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Bodies.parseDeviceRegistration(body);
        } catch (DpsProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> status = Arbitraries.oneOf(Arbitraries.integers().between(0, 999).map(String::valueOf),
                Arbitraries.of("200", "202", "429", "401", "500", "", "2x2", "-1", "0200"));
        Arbitrary<String> name = Arbitraries.of("$rid", "rid", "retry-after", "operationId", "", "$", "x", "$rid$");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.strings().withChars("0123456789%+-AFaf").ofMaxLength(12),
                Arbitraries.of("%", "%2", "%zz", "%ff%fe", "%C3%A9", "99999999999999999999", "-1", "1e3"));
        Arbitrary<String> parameter = Combinators.combine(name, Arbitraries.of("=", "", "=="), value)
                .as((n, eq, v) -> n + eq + v);
        Arbitrary<String> query = parameter.list().ofMaxSize(5).map(p -> String.join("&", p));
        Arbitrary<String> structured = Combinators.combine(
                Arbitraries.of("$dps/registrations/res/", "$dps/registrations/res", "$dps/registrations/PUT/", ""),
                status, Arbitraries.of("/?", "?", "/", "//?", ""), query).as((p, s, sep, q) -> p + s + sep + q);
        return Arbitraries.oneOf(structured, Arbitraries.strings().ofMaxLength(200));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return bodiesFrom(REAL_BODIES);
    }

    /** Real answers mutated, JSON-ish noise and arbitrary bytes: what the parsers of both cores are fuzzed with. */
    static Arbitrary<byte[]> bodiesFrom(List<byte[]> realBodies) {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(realBodies),
                Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.bytes().list().ofMinSize(4).ofMaxSize(4), Arbitraries.integers().between(0, 3))
                .as(ParserFuzzTest::mutate);
        Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ tnrufals\\$")
                .ofMaxLength(80).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(mutated, jsonish, Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    /** Flips, overwrites, deletes or truncates bytes of a real answer at the given positions. */
    private static byte[] mutate(byte[] original, List<Integer> positions, List<Byte> values, int how) {
        byte[] body = original.clone();
        if (how == 3) {
            int cut = positions.get(0) % (body.length + 1);
            byte[] truncated = new byte[cut];
            System.arraycopy(body, 0, truncated, 0, cut);
            return truncated;
        }
        for (int i = 0; i < positions.size(); i++) {
            int at = positions.get(i) % body.length;
            body[at] = how == 0 ? (byte) (body[at] ^ (1 << (values.get(i) & 7))) : values.get(i);
        }
        if (how == 2) {
            int at = positions.get(0) % body.length;
            byte[] shorter = new byte[body.length - 1];
            System.arraycopy(body, 0, shorter, 0, at);
            System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
            return shorter;
        }
        return body;
    }

    private static List<byte[]> realBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (String name : VECTORS) {
            try (InputStream in = ParserFuzzTest.class.getResourceAsStream("/vectors/payloads/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing test vector " + name);
                }
                bodies.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bodies;
    }
}
