/** Stand-in for Kura's DataService listener; version as exported by Kura 5.0 through 6.x. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.1")
package org.eclipse.kura.data.listener;
