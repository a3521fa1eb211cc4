/** Stand-in for Kura's cloud connection factory API; version as exported by Kura 5.0 through 6.x. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.eclipse.kura.cloudconnection.factory;
