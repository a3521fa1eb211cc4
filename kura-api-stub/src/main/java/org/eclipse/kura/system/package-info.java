/** Stand-in for Kura's system API; version as exported by Kura 5.0 (1.7.0 in 6.x). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.eclipse.kura.system;
