package io.kuradps.runtime.support.configuration;

import java.io.InputStream;
import java.util.Arrays;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Metatype definitions as the MetaTypeService hands them out, built in tests. */
final class Metatype {

    private Metatype() {
    }

    static ObjectClassDefinition definition(String id, AttributeDefinition... attributes) {
        return new ObjectClassDefinition() {
            @Override
            public String getName() {
                return id;
            }

            @Override
            public String getID() {
                return id;
            }

            @Override
            public String getDescription() {
                return null;
            }

            @Override
            public AttributeDefinition[] getAttributeDefinitions(int filter) {
                return filter == OPTIONAL ? new AttributeDefinition[0] : attributes.clone();
            }

            @Override
            public InputStream getIcon(int size) {
                return null;
            }
        };
    }

    /** Single-valued; no default when none is given. */
    static AttributeDefinition attribute(String id, int type, String... defaults) {
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return id;
            }

            @Override
            public String getID() {
                return id;
            }

            @Override
            public String getDescription() {
                return null;
            }

            @Override
            public int getCardinality() {
                return 0;
            }

            @Override
            public int getType() {
                return type;
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
                return null;
            }

            @Override
            public String[] getDefaultValue() {
                return defaults.length == 0 ? null : Arrays.copyOf(defaults, defaults.length);
            }
        };
    }
}
