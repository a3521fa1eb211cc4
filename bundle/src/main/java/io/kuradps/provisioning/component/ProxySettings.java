package io.kuradps.provisioning.component;

import org.eclipse.kura.crypto.CryptoService;

import io.kuradps.provisioning.transport.HttpProxy;

/**
 * The proxy.* fields' validation and decryption, as the DPS component applies them, for other components that
 * take the same fields (the SslManagerService that tunnels Kura's own connection). Their default and bounds are
 * {@link DpsProvisionerConfig}'s.
 */
public final class ProxySettings {

    public static final String HOST = ProvisioningConfig.F_PROXY_HOST;
    public static final String PORT = ProvisioningConfig.F_PROXY_PORT;
    public static final String USERNAME = ProvisioningConfig.F_PROXY_USERNAME;
    public static final String PASSWORD = ProvisioningConfig.F_PROXY_PASSWORD;
    public static final int PORT_DEFAULT = DpsProvisionerConfig.PROXY_PORT_DEFAULT;
    public static final int PORT_MIN = DpsProvisionerConfig.PROXY_PORT_MIN;
    public static final int PORT_MAX = DpsProvisionerConfig.PROXY_PORT_MAX;

    private ProxySettings() {
    }

    /**
     * @param password as stored (Kura encrypts Password values); decrypted with {@code crypto} when it is not null
     * @return the proxy, or null when {@code host} is empty
     * @throws IllegalArgumentException a value is wrong; the message starts with the field's id, never holds the
     *                                  password
     */
    public static HttpProxy parse(String host, int port, String username, String password, CryptoService crypto) {
        try {
            return ProvisioningConfig.proxy(host, port, username, password, crypto);
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
