/** Stand-in for Kura's SSL API; version as exported by Kura 5.0 through 6.x. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.eclipse.kura.ssl;
