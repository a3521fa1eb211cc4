package io.kuradps.runtime.support.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;

class AttributeValuesTest {

    @Test
    void convertsToTheDeclaredType() {
        assertThat(AttributeValues.convert(attribute("enabled", AttributeDefinition.BOOLEAN, 0), "TRUE")).isEqualTo(true);
        assertThat(AttributeValues.convert(attribute("deadline.seconds", AttributeDefinition.INTEGER, 0), " 600 "))
                .isEqualTo(600);
        assertThat(AttributeValues.convert(attribute("big", AttributeDefinition.LONG, 0), "5000000000"))
                .isEqualTo(5_000_000_000L);
        assertThat(AttributeValues.convert(attribute("id.scope", AttributeDefinition.STRING, 0), "0ne00000000"))
                .isEqualTo("0ne00000000");
        assertThat(AttributeValues.convert(attribute("hubs", AttributeDefinition.STRING, 5), "a, b"))
                .isEqualTo(new String[] { "a", "b" });
        assertThat(AttributeValues.convert(attribute("ports", AttributeDefinition.INTEGER, -5), "1,2"))
                .isEqualTo(new Integer[] { 1, 2 });
    }

    @Test
    void wrongValueNamesThePropertyAndType() {
        assertThatThrownBy(() -> AttributeValues.convert(attribute("deadline.seconds", AttributeDefinition.INTEGER, 0), "ten"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Property 'deadline.seconds': 'ten' is not a valid Integer");
        assertThatThrownBy(() -> AttributeValues.convert(attribute("enabled", AttributeDefinition.BOOLEAN, 0), "yes"))
                .hasMessageContaining("'enabled'");
    }

    @Test
    void metatypeValidationFailureNamesTheProperty() {
        AttributeDefinition limited = new FakeAttribute("sas.lifetime.seconds", AttributeDefinition.INTEGER, 0,
                value -> "value is less than the minimum 60");

        assertThatThrownBy(() -> AttributeValues.convert(limited, "5"))
                .hasMessage("Property 'sas.lifetime.seconds': value is less than the minimum 60");
    }

    @Test
    void singleValueWithCommasIsValidatedAsOneValue() {
        String json = "{\"a\":1,\"b\":2}";
        // Equinox's validate() splits at unescaped commas; seen as two values this would be a cardinality error.
        AttributeDefinition payload = new FakeAttribute("custom.payload", AttributeDefinition.STRING, 0,
                value -> value.equals("{\"a\":1\\,\"b\":2}") ? "" : "split into values: " + value);

        assertThat(AttributeValues.convert(payload, json)).isEqualTo(json);
    }

    @Test
    void passwordStaysTextForTheSeederToEncrypt() {
        assertThat(AttributeValues.convert(attribute("symmetric.key", AttributeDefinition.PASSWORD, 0), "s3cret"))
                .isEqualTo("s3cret");
    }

    private static AttributeDefinition attribute(String id, int type, int cardinality) {
        return new FakeAttribute(id, type, cardinality, value -> "");
    }

    /** The parts of a metatype attribute the conversion reads. */
    private record FakeAttribute(String id, int type, int cardinality, UnaryOperator<String> validator)
            implements AttributeDefinition {

        @Override
        public String getName() {
            return this.id;
        }

        @Override
        public String getID() {
            return this.id;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public int getCardinality() {
            return this.cardinality;
        }

        @Override
        public int getType() {
            return this.type;
        }

        @Override
        public String[] getOptionValues() {
            return null;
        }

        @Override
        public String[] getOptionLabels() {
            return null;
        }

        @Override
        public String validate(String value) {
            return this.validator.apply(value);
        }

        @Override
        public String[] getDefaultValue() {
            return null;
        }
    }
}
