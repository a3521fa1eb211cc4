package org.eclipse.kura.system;

import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.eclipse.kura.KuraProcessExecutionErrorException;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * Kura 5.0's SystemService: the gateway's identity, directories and platform facts, read mostly from
 * kura.properties. Every constant and method of 5.0 is declared, so that a stand-in implementation compiles here
 * only if it would compile against Kura.
 */
@ProviderType
public interface SystemService {

    // Names of the configuration files and of the system properties that locate them.
    String KURA_CONFIG = "kura.configuration";
    String KURA_PROPS_FILE = "kura.properties";
    String KURA_CUSTOM_CONFIG = "kura.custom.configuration";
    String KURA_CUSTOM_PROPS_FILE = "kura_custom.properties";

    // Values the getters return.
    String OS_CLOUDBEES = "Linux (Cloudbees)";
    String OS_LINUX = "Linux";
    String OS_MAC_OSX = "Mac OS X";
    /** What Kura answers for a value it does not know. */
    String UNKNOWN = "UNKNOWN";
    String UNSUPPORTED = "UNSUPPORTED";

    // Keys of kura.properties.
    String KEY_KURA_NAME = "kura.name";
    String KEY_KURA_VERSION = "kura.version";
    String KEY_KURA_NET_VIRTUAL_DEVICES_CONFIG = "kura.net.virtual.devices.config";
    String KEY_KURA_FRAMEWORK_CONFIG_DIR = "kura.framework.config";
    String KEY_KURA_USER_CONFIG_DIR = "kura.user.config";
    String KEY_KURA_MARKETPLACE_COMPATIBILITY_VERSION = "kura.marketplace.compatibility.version";
    String KEY_DEVICE_NAME = "kura.device.name";
    String KEY_PLATFORM = "kura.platform";
    String KEY_MODEL_ID = "kura.model.id";
    String KEY_MODEL_NAME = "kura.model.name";
    String KEY_PART_NUMBER = "kura.partNumber";
    String KEY_SERIAL_NUM = "kura.serialNumber";
    String KEY_BIOS_VERSION = "kura.bios.version";
    String KEY_FIRMWARE_VERSION = "kura.firmware.version";
    String KEY_PRIMARY_NET_IFACE = "kura.primary.network.interface";
    String KEY_KURA_HOME_DIR = "kura.home";
    String KEY_KURA_PLUGINS_DIR = "kura.plugins";
    String KEY_KURA_PACKAGES_DIR = "kura.packages";
    /** The directory whose content survives a restart of the gateway. */
    String KEY_KURA_DATA_DIR = "kura.data";
    String KEY_KURA_TMP_DIR = "kura.tmp";
    String KEY_KURA_SNAPSHOTS_DIR = "kura.snapshots";
    String KEY_KURA_SNAPSHOTS_COUNT = "kura.snapshots.count";
    String KEY_KURA_HAVE_NET_ADMIN = "kura.have.net.admin";
    String KEY_KURA_HAVE_WEB_INTER = "kura.have.web.inter";
    String KEY_KURA_STYLE_DIR = "kura.style.dir";
    String KEY_KURA_WIFI_TOP_CHANNEL = "kura.wifi.top.channel";
    String KEY_KURA_KEY_STORE_PWD = "kura.ssl.keyStorePassword";
    String KEY_KURA_TRUST_STORE_PWD = "kura.ssl.trustStorePassword";
    String KEY_FILE_COMMAND_ZIP_MAX_SIZE = "file.command.zip.max.size";
    String KEY_FILE_COMMAND_ZIP_MAX_NUMBER = "file.command.zip.max.number";
    String KEY_COMMAND_USER = "kura.command.user";
    String KEY_CPU_VERSION = "cpu.version";
    String KEY_LEGACY_BT_BEACON_SCAN = "kura.legacy.bluetooth.beacon.scan";
    String CONFIG_CONSOLE_DEVICE_MANAGE_SERVICE_IGNORE = "console.device.management.service.ignore";

    // Keys of the JVM's and the framework's own properties.
    String KEY_OS_ARCH = "os.arch";
    String KEY_OS_NAME = "os.name";
    String KEY_OS_VER = "os.version";
    String KEY_OS_DISTRO = "os.distribution";
    String KEY_OS_DISTRO_VER = "os.distribution.version";
    String KEY_JAVA_VERSION = "java.runtime.version";
    String KEY_JAVA_VENDOR = "java.runtime.name";
    String KEY_JAVA_VM_NAME = "java.vm.name";
    String KEY_JAVA_VM_VERSION = "java.vm.version";
    String KEY_JAVA_VM_INFO = "java.vm.info";
    String KEY_OSGI_FW_NAME = "org.osgi.framework.vendor";
    String KEY_OSGI_FW_VERSION = "org.osgi.framework.version";
    String KEY_JAVA_HOME = "java.home";
    String KEY_FILE_SEP = "file.separator";

    // Settings of the database Kura 4 used; still declared, deprecated, in 5.0.
    @Deprecated
    String DB_URL_PROPNAME = "db.service.hsqldb.url";
    @Deprecated
    String DB_WRITE_DELAY_MILLIES_PROPNAME = "db.service.hsqldb.write_delay_millis";
    @Deprecated
    String DB_LOG_DATA_PROPNAME = "db.service.hsqldb.log_data";
    @Deprecated
    String DB_CACHE_ROWS_PROPNAME = "db.service.hsqldb.cache_rows";
    @Deprecated
    String DB_LOB_FILE_PROPNAME = "db.service.hsqldb.lob_file_scale";
    @Deprecated
    String DB_DEFRAG_LIMIT_PROPNAME = "db.service.hsqldb.defrag_limit";
    @Deprecated
    String DB_LOG_SIZE_PROPNAME = "db.service.hsqldb.log_size";
    @Deprecated
    String DB_NIO_PROPNAME = "db.service.hsqldb.nio_data_file";

    /** The MAC address of the primary network interface, as upper-case hex pairs separated by ':'. */
    String getPrimaryMacAddress();

    String getPrimaryNetworkInterfaceName();

    String getPlatform();

    String getModelId();

    String getModelName();

    String getPartNumber();

    String getSerialNumber();

    String getDeviceName();

    String getBiosVersion();

    String getFirmwareVersion();

    String getOsArch();

    String getOsName();

    String getOsVersion();

    String getOsDistro();

    String getOsDistroVersion();

    String getJavaVendor();

    String getJavaVersion();

    String getJavaVmName();

    String getJavaVmVersion();

    String getJavaVmInfo();

    String getOsgiFwName();

    String getOsgiFwVersion();

    String getFileSeparator();

    String getJavaHome();

    String getKuraVersion();

    String getKuraFrameworkConfigDirectory();

    String getKuraUserConfigDirectory();

    String getKuraMarketplaceCompatibilityVersion();

    String getKuraHome();

    String getKuraTemporaryConfigDirectory();

    String getKuraSnapshotsDirectory();

    int getKuraSnapshotsCount();

    String getKuraStyleDirectory();

    int getKuraWifiTopChannel();

    String getKuraWebEnabled();

    /** The root of Kura's persistent data: the value of {@value #KEY_KURA_DATA_DIR}; it survives reboots. */
    String getKuraDataDirectory();

    int getFileCommandZipMaxUploadSize();

    int getFileCommandZipMaxUploadNumber();

    Properties getProperties();

    Bundle[] getBundles();

    List<SystemResourceInfo> getSystemPackages() throws KuraProcessExecutionErrorException;

    int getNumberOfProcessors();

    long getTotalMemory();

    long getFreeMemory();

    char[] getJavaKeyStorePassword();

    char[] getJavaTrustStorePassword();

    List<String> getDeviceManagementServiceIgnore();

    String getHostname();

    String getNetVirtualDevicesConfig();

    String getCommandUser();

    String getCpuVersion();

    Optional<ExtendedProperties> getExtendedProperties();

    boolean isLegacyBluetoothBeaconScan();
}
