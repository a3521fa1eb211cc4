package io.kuradps.runtime.support.system;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.eclipse.kura.system.ExtendedProperties;
import org.eclipse.kura.system.SystemResourceInfo;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Kura's SystemService for a gateway runtime without Kura. Where Kura reads kura.properties or asks the
 * operating system, this reads framework properties:
 * <ul>
 * <li>{@value #DATA_DIRECTORY_PROPERTY}: {@link #getKuraDataDirectory()}, null when unset as in Kura;</li>
 * <li>{@value #SERIAL_NUMBER_PROPERTY}: {@link #getSerialNumber()}, {@link SystemService#UNKNOWN} when unset;</li>
 * <li>{@value #PRIMARY_MAC_ADDRESS_PROPERTY}: {@link #getPrimaryMacAddress()}, as upper-case hex pairs joined
 * by ':' like Kura's; null when unset, as Kura answers when it finds no primary interface;</li>
 * <li>{@value #HOSTNAME_PROPERTY}: {@link #getHostname()}, {@link SystemService#UNKNOWN} when unset.</li>
 * </ul>
 * The JVM's facts come from its system properties and Runtime, as in Kura. Every other value is what Kura
 * answers when kura.properties lacks its key. Only {@link #getSystemPackages()} and
 * {@link #getKuraMarketplaceCompatibilityVersion()} throw {@link UnsupportedOperationException}: the first asks
 * the package manager, the second fails in Kura too without a Kura version, and nothing of ours asks either.
 */
public final class StandInSystemService implements SystemService {

    public static final String DATA_DIRECTORY_PROPERTY = KEY_KURA_DATA_DIR;
    public static final String SERIAL_NUMBER_PROPERTY = KEY_SERIAL_NUM;
    public static final String PRIMARY_MAC_ADDRESS_PROPERTY = "kuradps.standin.primaryMacAddress";
    public static final String HOSTNAME_PROPERTY = "kuradps.standin.hostname";
    /** The framework properties this stand-in answers from; with none of them set it has nothing to offer. */
    public static final List<String> PROPERTIES = Collections.unmodifiableList(Arrays.asList(DATA_DIRECTORY_PROPERTY,
            SERIAL_NUMBER_PROPERTY, PRIMARY_MAC_ADDRESS_PROPERTY, HOSTNAME_PROPERTY));

    private static final Pattern MAC_ADDRESS = Pattern.compile("\\p{XDigit}{2}([:-]\\p{XDigit}{2}){5}");
    // Kura's answers where kura.properties has no value: its defaults, or what it reads from a missing key.
    private static final int DEFAULT_SNAPSHOTS_COUNT = 10;
    private static final int DEFAULT_ZIP_MAX_UPLOAD_MEGABYTES = 100;
    private static final int DEFAULT_ZIP_MAX_UPLOAD_FILES = 1024;
    private static final String NET_VIRTUAL_DEVICES_DISABLED = "netIPv4StatusDisabled";
    private static final String UNKNOWN_LOWER_CASE = "unknown";

    private final UnaryOperator<String> frameworkProperties;
    private final Supplier<Bundle[]> bundles;
    private final String dataDirectory;
    private final String serialNumber;
    private final String primaryMacAddress;
    private final String hostname;

    /**
     * @param frameworkProperties looks up a framework property, null when unset (BundleContext::getProperty)
     * @param bundles the installed bundles (BundleContext::getBundles)
     * @throws IllegalArgumentException naming {@value #PRIMARY_MAC_ADDRESS_PROPERTY} if its value is not a MAC
     *             address
     */
    public StandInSystemService(UnaryOperator<String> frameworkProperties, Supplier<Bundle[]> bundles) {
        this.frameworkProperties = frameworkProperties;
        this.bundles = bundles;
        this.dataDirectory = frameworkProperties.apply(DATA_DIRECTORY_PROPERTY);
        String serial = frameworkProperties.apply(SERIAL_NUMBER_PROPERTY);
        this.serialNumber = serial == null ? UNKNOWN : serial;
        this.primaryMacAddress = macAddress(frameworkProperties.apply(PRIMARY_MAC_ADDRESS_PROPERTY));
        String host = frameworkProperties.apply(HOSTNAME_PROPERTY);
        this.hostname = host == null ? UNKNOWN : host;
    }

    private static String macAddress(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (!MAC_ADDRESS.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(PRIMARY_MAC_ADDRESS_PROPERTY + ": '" + text
                    + "' is not a MAC address of six hex pairs like AA:BB:CC:DD:EE:FF");
        }
        return trimmed.replace('-', ':').toUpperCase(Locale.ROOT);
    }

    @Override
    public String getPrimaryMacAddress() {
        return this.primaryMacAddress;
    }

    /** Kura's value when kura.properties names no interface on an unsupported platform. */
    @Override
    public String getPrimaryNetworkInterfaceName() {
        return null;
    }

    @Override
    public String getPlatform() {
        return null;
    }

    @Override
    public String getModelId() {
        return UNKNOWN;
    }

    @Override
    public String getModelName() {
        return UNKNOWN;
    }

    @Override
    public String getPartNumber() {
        return UNKNOWN;
    }

    @Override
    public String getSerialNumber() {
        return this.serialNumber;
    }

    @Override
    public String getDeviceName() {
        return UNKNOWN;
    }

    @Override
    public String getBiosVersion() {
        return UNKNOWN;
    }

    @Override
    public String getFirmwareVersion() {
        return UNKNOWN;
    }

    @Override
    public String getOsArch() {
        return System.getProperty(KEY_OS_ARCH);
    }

    @Override
    public String getOsName() {
        return System.getProperty(KEY_OS_NAME);
    }

    @Override
    public String getOsVersion() {
        return System.getProperty(KEY_OS_VER);
    }

    @Override
    public String getOsDistro() {
        return null;
    }

    @Override
    public String getOsDistroVersion() {
        return null;
    }

    @Override
    public String getJavaVendor() {
        return System.getProperty(KEY_JAVA_VENDOR);
    }

    @Override
    public String getJavaVersion() {
        return System.getProperty(KEY_JAVA_VERSION);
    }

    @Override
    public String getJavaVmName() {
        return System.getProperty(KEY_JAVA_VM_NAME);
    }

    @Override
    public String getJavaVmVersion() {
        return System.getProperty(KEY_JAVA_VM_VERSION);
    }

    @Override
    public String getJavaVmInfo() {
        return System.getProperty(KEY_JAVA_VM_INFO);
    }

    @Override
    public String getOsgiFwName() {
        return this.frameworkProperties.apply(Constants.FRAMEWORK_VENDOR);
    }

    @Override
    public String getOsgiFwVersion() {
        return this.frameworkProperties.apply(Constants.FRAMEWORK_VERSION);
    }

    @Override
    public String getFileSeparator() {
        return System.getProperty(KEY_FILE_SEP);
    }

    @Override
    public String getJavaHome() {
        return System.getProperty(KEY_JAVA_HOME);
    }

    @Override
    public String getKuraVersion() {
        return null;
    }

    @Override
    public String getKuraFrameworkConfigDirectory() {
        return null;
    }

    @Override
    public String getKuraUserConfigDirectory() {
        return null;
    }

    @Override
    public String getKuraMarketplaceCompatibilityVersion() {
        throw new UnsupportedOperationException("the stand-in SystemService has no Kura version");
    }

    @Override
    public String getKuraHome() {
        return null;
    }

    @Override
    public String getKuraTemporaryConfigDirectory() {
        return null;
    }

    @Override
    public String getKuraSnapshotsDirectory() {
        return null;
    }

    @Override
    public int getKuraSnapshotsCount() {
        return DEFAULT_SNAPSHOTS_COUNT;
    }

    @Override
    public String getKuraStyleDirectory() {
        return null;
    }

    /** Kura's stand-in value for a platform that does not say. */
    @Override
    public int getKuraWifiTopChannel() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String getKuraWebEnabled() {
        return null;
    }

    @Override
    public String getKuraDataDirectory() {
        return this.dataDirectory;
    }

    @Override
    public int getFileCommandZipMaxUploadSize() {
        return DEFAULT_ZIP_MAX_UPLOAD_MEGABYTES;
    }

    @Override
    public int getFileCommandZipMaxUploadNumber() {
        return DEFAULT_ZIP_MAX_UPLOAD_FILES;
    }

    /** The kura.properties values this stand-in knows; a copy, since Properties can be changed. */
    @Override
    public Properties getProperties() {
        Properties properties = new Properties();
        if (this.dataDirectory != null) {
            properties.setProperty(KEY_KURA_DATA_DIR, this.dataDirectory);
        }
        if (!UNKNOWN.equals(this.serialNumber)) {
            properties.setProperty(KEY_SERIAL_NUM, this.serialNumber);
        }
        return properties;
    }

    @Override
    public Bundle[] getBundles() {
        return this.bundles.get();
    }

    @Override
    public List<SystemResourceInfo> getSystemPackages() {
        throw new UnsupportedOperationException("the stand-in SystemService has no package manager to ask");
    }

    @Override
    public int getNumberOfProcessors() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** In kilobytes, as Kura answers. */
    @Override
    public long getTotalMemory() {
        return Runtime.getRuntime().totalMemory() / 1024;
    }

    /** In kilobytes, as Kura answers. */
    @Override
    public long getFreeMemory() {
        return Runtime.getRuntime().freeMemory() / 1024;
    }

    @Override
    public char[] getJavaKeyStorePassword() {
        return new char[0];
    }

    @Override
    public char[] getJavaTrustStorePassword() {
        return new char[0];
    }

    @Override
    public List<String> getDeviceManagementServiceIgnore() {
        return Collections.emptyList();
    }

    @Override
    public String getHostname() {
        return this.hostname;
    }

    @Override
    public String getNetVirtualDevicesConfig() {
        return NET_VIRTUAL_DEVICES_DISABLED;
    }

    @Override
    public String getCommandUser() {
        return UNKNOWN_LOWER_CASE;
    }

    @Override
    public String getCpuVersion() {
        return UNKNOWN_LOWER_CASE;
    }

    @Override
    public Optional<ExtendedProperties> getExtendedProperties() {
        return Optional.empty();
    }

    @Override
    public boolean isLegacyBluetoothBeaconScan() {
        return false;
    }
}
