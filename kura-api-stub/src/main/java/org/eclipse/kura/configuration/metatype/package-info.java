/** Stand-in for Kura's metatype view, which ConfigurationService's signatures use; version as in Kura 5.0. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.eclipse.kura.configuration.metatype;
