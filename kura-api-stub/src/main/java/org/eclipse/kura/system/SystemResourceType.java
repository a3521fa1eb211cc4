package org.eclipse.kura.system;

/** The kinds of installed software Kura 5.0 reports. */
public enum SystemResourceType {
    BUNDLE,
    DP,
    RPM,
    DEB,
    DOCKER,
    APK,
    UNKNOWN
}
