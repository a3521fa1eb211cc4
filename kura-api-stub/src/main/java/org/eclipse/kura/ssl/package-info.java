/**
 * Stand-in for Kura's SSL API; version as exported by Kura 5.0 and by develop (6.0.0-SNAPSHOT): 2.1.0
 * (kura/org.eclipse.kura.api/META-INF/MANIFEST.MF at KURA_5.0.0_RELEASE and develop).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.eclipse.kura.ssl;
