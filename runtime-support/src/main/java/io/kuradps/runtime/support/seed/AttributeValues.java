package io.kuradps.runtime.support.seed;

import java.lang.reflect.Array;
import java.util.function.Function;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Turns the text of a configuration file into the type a metatype attribute declares, as Kura does when it
 * reads a snapshot. Password values stay text here; encrypting them is the seeder's job.
 */
final class AttributeValues {

    private AttributeValues() {
    }

    /**
     * @param text a single value, or for a multi-valued attribute the values separated by commas
     * @throws IllegalArgumentException naming the attribute when the text does not fit its type or its
     *             validation; a Password attribute's value is never quoted
     */
    static Object convert(AttributeDefinition attribute, String text) {
        Function<String, Object> parser = parserFor(attribute);
        Object value;
        if (attribute.getCardinality() == 0) {
            value = parse(attribute, parser, text.trim());
        } else {
            String[] parts = text.isEmpty() ? new String[0] : text.split(",", -1);
            value = Array.newInstance(elementType(attribute), parts.length);
            for (int i = 0; i < parts.length; i++) {
                Array.set(value, i, parse(attribute, parser, parts[i].trim()));
            }
        }
        String problem = attribute.getType() == AttributeDefinition.PASSWORD ? null : attribute.validate(text.trim());
        if (problem != null && !problem.isEmpty()) {
            throw new IllegalArgumentException("Property '" + attribute.getID() + "': " + problem);
        }
        return value;
    }

    private static Object parse(AttributeDefinition attribute, Function<String, Object> parser, String text) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            String shown = attribute.getType() == AttributeDefinition.PASSWORD ? "(hidden)" : "'" + text + "'";
            throw new IllegalArgumentException("Property '" + attribute.getID() + "': " + shown + " is not a valid "
                    + elementType(attribute).getSimpleName(), e);
        }
    }

    private static Function<String, Object> parserFor(AttributeDefinition attribute) {
        switch (attribute.getType()) {
        case AttributeDefinition.LONG:
            return Long::valueOf;
        case AttributeDefinition.INTEGER:
            return Integer::valueOf;
        case AttributeDefinition.SHORT:
            return Short::valueOf;
        case AttributeDefinition.BYTE:
            return Byte::valueOf;
        case AttributeDefinition.DOUBLE:
            return Double::valueOf;
        case AttributeDefinition.FLOAT:
            return Float::valueOf;
        case AttributeDefinition.BOOLEAN:
            return AttributeValues::parseBoolean;
        case AttributeDefinition.CHARACTER:
            return AttributeValues::parseCharacter;
        default:
            return text -> text;
        }
    }

    private static Class<?> elementType(AttributeDefinition attribute) {
        switch (attribute.getType()) {
        case AttributeDefinition.LONG:
            return Long.class;
        case AttributeDefinition.INTEGER:
            return Integer.class;
        case AttributeDefinition.SHORT:
            return Short.class;
        case AttributeDefinition.BYTE:
            return Byte.class;
        case AttributeDefinition.DOUBLE:
            return Double.class;
        case AttributeDefinition.FLOAT:
            return Float.class;
        case AttributeDefinition.BOOLEAN:
            return Boolean.class;
        case AttributeDefinition.CHARACTER:
            return Character.class;
        default:
            return String.class;
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
