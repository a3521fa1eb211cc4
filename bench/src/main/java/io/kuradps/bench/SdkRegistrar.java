package io.kuradps.bench;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The Azure IoT Java SDK's DPS client (provisioning-device-client 2.1.3), MQTT, symmetric key. It takes only
 * a host name and always connects to port 8883, so the simulator (or the relay) must listen there.
 */
final class SdkRegistrar implements Registrar {

    /** Half the SDK's default of 60 s, so that a stuck registration costs the run less. */
    static final int TIMEOUT_SECONDS = 30;

    private final String idScope;
    private final String host;
    private final Supplier<SSLContext> trustingSimulator;

    /** @param trustingSimulator makes a new SSLContext per registration, as the SDK's own providers do */
    SdkRegistrar(String idScope, String host, Supplier<SSLContext> trustingSimulator) {
        this.idScope = idScope;
        this.host = host;
        this.trustingSimulator = trustingSimulator;
    }

    @Override
    public String name() {
        return "Azure SDK";
    }

    @Override
    public Timing register(String registrationId, String deviceKeyBase64) throws Exception {
        long start = System.nanoTime();
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(host, idScope,
                ProvisioningDeviceClientTransportProtocol.MQTT, new Provider(deviceKeyBase64, registrationId));
        ProvisioningDeviceClientRegistrationResult result;
        long assigned;
        try {
            result = client.registerDeviceSync(TIMEOUT_SECONDS);
            assigned = System.nanoTime();
        } finally {
            client.close();
        }
        long closed = System.nanoTime();
        if (result.getProvisioningDeviceClientStatus() != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
            throw new IllegalStateException(registrationId + ": SDK ended with " + result.getProvisioningDeviceClientStatus());
        }
        return new Timing(assigned - start, closed - start);
    }

    /** The SDK's own symmetric-key provider, with the simulator's CA as the only trust anchor. */
    private final class Provider extends SecurityProviderSymmetricKey {
        private SSLContext context;

        Provider(String base64Key, String registrationId) {
            super(base64Key.getBytes(StandardCharsets.UTF_8), registrationId);
        }

        @Override
        public synchronized SSLContext getSSLContext() {
            if (context == null) {
                context = trustingSimulator.get();
            }
            return context;
        }
    }
}
