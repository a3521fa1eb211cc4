package io.kuradps.runtime.support.configuration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.kura.configuration.metatype.AD;
import org.eclipse.kura.configuration.metatype.Icon;
import org.eclipse.kura.configuration.metatype.OCD;
import org.eclipse.kura.configuration.metatype.Option;
import org.eclipse.kura.configuration.metatype.Scalar;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Kura's view of a metatype definition ({@link OCD}), made from what the OSGi MetaTypeService read from the same
 * file. Kura parses the file itself and also knows min and max; the MetaTypeService does not expose them, so they
 * are null here, and icons are left out.
 */
final class KuraDefinition implements OCD {

    private final String id;
    private final String name;
    private final String description;
    private final List<AD> attributes;

    private KuraDefinition(String id, String name, String description, List<AD> attributes) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.attributes = Collections.unmodifiableList(attributes);
    }

    static KuraDefinition of(ObjectClassDefinition definition) {
        Set<String> required = new HashSet<>();
        for (AttributeDefinition attribute : attributes(definition, ObjectClassDefinition.REQUIRED)) {
            required.add(attribute.getID());
        }
        List<AD> attributes = new ArrayList<>();
        for (AttributeDefinition attribute : attributes(definition, ObjectClassDefinition.ALL)) {
            attributes.add(new Attribute(attribute, required.contains(attribute.getID())));
        }
        return new KuraDefinition(definition.getID(), definition.getName(), definition.getDescription(), attributes);
    }

    private static List<AttributeDefinition> attributes(ObjectClassDefinition definition, int filter) {
        AttributeDefinition[] found = definition.getAttributeDefinitions(filter);
        return found == null ? Collections.<AttributeDefinition>emptyList() : Arrays.asList(found);
    }

    /** Kura's type for an OSGi metatype type; the deprecated big-number types read as text. */
    static Scalar scalar(int metatypeType) {
        switch (metatypeType) {
        case AttributeDefinition.LONG:
            return Scalar.LONG;
        case AttributeDefinition.INTEGER:
            return Scalar.INTEGER;
        case AttributeDefinition.SHORT:
            return Scalar.SHORT;
        case AttributeDefinition.CHARACTER:
            return Scalar.CHAR;
        case AttributeDefinition.BYTE:
            return Scalar.BYTE;
        case AttributeDefinition.DOUBLE:
            return Scalar.DOUBLE;
        case AttributeDefinition.FLOAT:
            return Scalar.FLOAT;
        case AttributeDefinition.BOOLEAN:
            return Scalar.BOOLEAN;
        case AttributeDefinition.PASSWORD:
            return Scalar.PASSWORD;
        default:
            return Scalar.STRING;
        }
    }

    @Override
    public List<AD> getAD() {
        return this.attributes;
    }

    @Override
    public List<Icon> getIcon() {
        return Collections.emptyList();
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public String getDescription() {
        return this.description;
    }

    @Override
    public String getId() {
        return this.id;
    }

    private static final class Attribute implements AD {

        private final AttributeDefinition definition;
        private final boolean required;
        private final List<Option> options;

        Attribute(AttributeDefinition definition, boolean required) {
            this.definition = definition;
            this.required = required;
            List<Option> list = new ArrayList<>();
            String[] values = definition.getOptionValues();
            String[] labels = definition.getOptionLabels();
            if (values != null) {
                for (int i = 0; i < values.length; i++) {
                    list.add(new Choice(labels != null && i < labels.length ? labels[i] : values[i], values[i]));
                }
            }
            this.options = Collections.unmodifiableList(list);
        }

        @Override
        public List<Option> getOption() {
            return this.options;
        }

        @Override
        public String getName() {
            return this.definition.getName();
        }

        @Override
        public String getDescription() {
            return this.definition.getDescription();
        }

        @Override
        public String getId() {
            return this.definition.getID();
        }

        @Override
        public Scalar getType() {
            return scalar(this.definition.getType());
        }

        @Override
        public int getCardinality() {
            return this.definition.getCardinality();
        }

        @Override
        public String getMin() {
            return null;
        }

        @Override
        public String getMax() {
            return null;
        }

        /** As Kura reads it from the file: the values joined by commas. */
        @Override
        public String getDefault() {
            String[] defaults = this.definition.getDefaultValue();
            return defaults == null ? null : String.join(",", defaults);
        }

        @Override
        public boolean isRequired() {
            return this.required;
        }
    }

    private static final class Choice implements Option {

        private final String label;
        private final String value;

        Choice(String label, String value) {
            this.label = label;
            this.value = value;
        }

        @Override
        public String getLabel() {
            return this.label;
        }

        @Override
        public String getValue() {
            return this.value;
        }
    }
}
