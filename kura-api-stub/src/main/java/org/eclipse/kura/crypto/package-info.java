/** Stand-in for Kura's crypto API; version as exported by Kura 5.0. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.eclipse.kura.crypto;
