package io.kuradps.runtime.support.seed;

import java.lang.reflect.Array;
import java.util.function.Function;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Turns the text of a configuration file into the type a metatype attribute declares, as Kura does when it
 * reads a snapshot. Password values stay text here; encrypting them is the seeder's job.
 */
public final class AttributeValues {

    private AttributeValues() {
    }

    /**
     * @param text a single value, or for a multi-valued attribute the values separated by commas
     * @throws IllegalArgumentException naming the attribute when the text does not fit its type or its
     *             validation; a Password attribute's value is never quoted
     */
    public static Object convert(AttributeDefinition attribute, String text) {
        ValueType type = valueType(attribute);
        Object value;
        if (attribute.getCardinality() == 0) {
            value = parse(attribute, type, text.trim());
        } else {
            String[] parts = text.isEmpty() ? new String[0] : text.split(",", -1);
            value = Array.newInstance(type.javaType, parts.length);
            for (int i = 0; i < parts.length; i++) {
                Array.set(value, i, parse(attribute, type, parts[i].trim()));
            }
        }
        // validate() reads its argument as a comma-separated list, so a single value's commas (JSON in
        // custom.payload, say) must be escaped to stay one value.
        String validated = attribute.getCardinality() == 0 ? text.trim().replace("\\", "\\\\").replace(",", "\\,")
                : text.trim();
        String problem = attribute.getType() == AttributeDefinition.PASSWORD ? null : attribute.validate(validated);
        if (problem != null && !problem.isEmpty()) {
            throw new IllegalArgumentException("Property '" + attribute.getID() + "': " + problem);
        }
        return value;
    }

    private static Object parse(AttributeDefinition attribute, ValueType type, String text) {
        try {
            return type.parser.apply(text);
        } catch (IllegalArgumentException e) {
            String shown = attribute.getType() == AttributeDefinition.PASSWORD ? "(hidden)" : "'" + text + "'";
            throw new IllegalArgumentException("Property '" + attribute.getID() + "': " + shown + " is not a valid "
                    + type.javaType.getSimpleName(), e);
        }
    }

    /** The Java type a metatype type maps to, and how its text is read. */
    private static final class ValueType {

        final Class<?> javaType;
        final Function<String, Object> parser;

        ValueType(Class<?> javaType, Function<String, Object> parser) {
            this.javaType = javaType;
            this.parser = parser;
        }
    }

    private static ValueType valueType(AttributeDefinition attribute) {
        switch (attribute.getType()) {
        case AttributeDefinition.LONG:
            return new ValueType(Long.class, Long::valueOf);
        case AttributeDefinition.INTEGER:
            return new ValueType(Integer.class, Integer::valueOf);
        case AttributeDefinition.SHORT:
            return new ValueType(Short.class, Short::valueOf);
        case AttributeDefinition.BYTE:
            return new ValueType(Byte.class, Byte::valueOf);
        case AttributeDefinition.DOUBLE:
            return new ValueType(Double.class, Double::valueOf);
        case AttributeDefinition.FLOAT:
            return new ValueType(Float.class, Float::valueOf);
        case AttributeDefinition.BOOLEAN:
            return new ValueType(Boolean.class, AttributeValues::parseBoolean);
        case AttributeDefinition.CHARACTER:
            return new ValueType(Character.class, AttributeValues::parseCharacter);
        default:
            return new ValueType(String.class, text -> text);
        }
    }

    private static Boolean parseBoolean(String text) {
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException("expected true or false");
    }

    private static Character parseCharacter(String text) {
        if (text.length() == 1) {
            return text.charAt(0);
        }
        throw new IllegalArgumentException("expected one character");
    }
}
