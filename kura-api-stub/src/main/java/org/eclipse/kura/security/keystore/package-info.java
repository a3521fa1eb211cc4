/** Stand-in for Kura's keystore API; version as exported by Kura 5.0. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.eclipse.kura.security.keystore;
