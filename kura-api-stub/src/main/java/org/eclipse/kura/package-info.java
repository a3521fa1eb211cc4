/** Stand-in for Kura's core exception types; version as exported by Kura 5.0. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package org.eclipse.kura;
