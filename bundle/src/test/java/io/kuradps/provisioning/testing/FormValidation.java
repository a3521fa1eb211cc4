package io.kuradps.provisioning.testing;

import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A component's form and its validation, as the metatype agreement test holds them against the generated metatype:
 * each package with a component gives one, since its validation is private to the package.
 */
public interface FormValidation {

    String pid();

    /** The annotation bnd generates the metatype from, the home of the form's defaults, bounds and options. */
    Class<? extends Annotation> form();

    /** Property ids the validation does not check, each for a reason its implementation says. */
    Set<String> unvalidated();

    /** For every other property id, a value the validation refuses naming that id. */
    Map<String, Object> badValues();

    /**
     * Validates a configuration that is valid but for these properties, as the component does.
     *
     * @return the validation's message, or empty when it accepts the configuration
     */
    Optional<String> problem(Map<String, Object> properties);
}
