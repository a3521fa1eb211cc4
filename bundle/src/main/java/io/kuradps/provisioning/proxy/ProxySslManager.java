package io.kuradps.provisioning.proxy;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.ssl.SslManagerService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.component.ProxySettings;
import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.transport.HttpProxy;
import io.kuradps.provisioning.transport.ProxyTunnelSocketFactory;

/**
 * An SslManagerService for Kura's own cloud connection behind an HTTP proxy. Kura's MqttDataTransport takes the
 * socket factory of ssl:// and wss:// broker URLs from the SslManagerService its SslManagerService.target selects;
 * this one hands out the delegate's factories wrapped in a CONNECT tunnel. The wrapping is outside the delegate's
 * factory, since Kura's factory sets its TLS parameters on the socket right after createSocket(), before Paho
 * connects it: the tunnelled socket layers the delegate's TLS over the tunnel, with the broker's host name.
 */
@Component(name = ProxySslManager.PID, configurationPid = ProxySslManager.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { SslManagerService.class, ConfigurableComponent.class },
        property = "kura.service.pid=" + ProxySslManager.PID)
@Designate(ocd = ProxySslManagerConfig.class)
public final class ProxySslManager implements SslManagerService, ConfigurableComponent {

    public static final String PID = "io.kuradps.provisioning.ProxySslManager";

    private static final Logger LOG = LoggerFactory.getLogger(ProxySslManager.class);

    private volatile SslManagerService delegate;
    private volatile CryptoService crypto;
    /** Null: no proxy. */
    private volatile HttpProxy proxy;

    /** Kura's SslManagerService, chosen by the configuration's delegate.target (the reference's target). */
    @Reference(name = "delegate", target = KuraReferences.DEFAULT_SSL_MANAGER_TARGET)
    void setDelegate(SslManagerService sslManager) {
        delegate = sslManager;
    }

    /**
     * Decrypts proxy.password. Optional; static and greedy, so one bound after activation activates the component
     * again, which decrypts anew.
     */
    @Reference(name = "cryptoService", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.STATIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCryptoService(CryptoService cryptoService) {
        crypto = cryptoService;
    }

    /** @throws IllegalArgumentException a proxy.* value is wrong; the message starts with the field's id */
    @Activate
    @Modified
    void configure(ProxySslManagerConfig config) {
        HttpProxy configured = ProxySettings.parse(config.proxy_host(), config.proxy_port(), config.proxy_username(),
                config.proxy_password(), crypto);
        proxy = configured;
        LOG.info("{}", configured == null ? "No proxy: socket factories as the delegate's"
                : "Socket factories tunnel through the " + configured);
    }

    @Override
    public SSLContext getSSLContext() throws GeneralSecurityException, IOException {
        return delegate.getSSLContext();
    }

    @Override
    public SSLContext getSSLContext(String keyAlias) throws GeneralSecurityException, IOException {
        return delegate.getSSLContext(keyAlias);
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory() throws GeneralSecurityException, IOException {
        return tunnelled(delegate.getSSLSocketFactory());
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory(String keyAlias) throws GeneralSecurityException, IOException {
        return tunnelled(delegate.getSSLSocketFactory(keyAlias));
    }

    @Override
    @Deprecated
    public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias) throws GeneralSecurityException, IOException {
        return tunnelled(delegate.getSSLSocketFactory(protocol, cipherSuites, trustStorePath, keyStorePath,
                keyStorePassword, keyAlias));
    }

    @Override
    @Deprecated
    public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias, boolean hostnameVerification)
            throws GeneralSecurityException, IOException {
        return tunnelled(delegate.getSSLSocketFactory(protocol, cipherSuites, trustStorePath, keyStorePath,
                keyStorePassword, keyAlias, hostnameVerification));
    }

    @Override
    @Deprecated
    public X509Certificate[] getTrustCertificates() throws GeneralSecurityException, IOException {
        return delegate.getTrustCertificates();
    }

    @Override
    @Deprecated
    public void installTrustCertificate(String alias, X509Certificate x509crt)
            throws GeneralSecurityException, IOException {
        delegate.installTrustCertificate(alias, x509crt);
    }

    @Override
    @Deprecated
    public void deleteTrustCertificate(String alias) throws GeneralSecurityException, IOException {
        delegate.deleteTrustCertificate(alias);
    }

    @Override
    @Deprecated
    public void installPrivateKey(String alias, PrivateKey privateKey, char[] password, Certificate[] publicCerts)
            throws GeneralSecurityException, IOException {
        delegate.installPrivateKey(alias, privateKey, password, publicCerts);
    }

    private SSLSocketFactory tunnelled(SSLSocketFactory tls) {
        HttpProxy through = proxy;
        return through == null ? tls : new ProxyTunnelSocketFactory(through, tls, ProxySslManager::advice);
    }

    /** Appended to a tunnel failure that Kura's transport logs: the settings of this component to fix. */
    static String advice(ConnectFailure failure) {
        switch (failure) {
            case PROXY_AUTHENTICATION:
                return "Set " + ProxySettings.USERNAME + " and " + ProxySettings.PASSWORD + " of " + PID
                        + " to an account the proxy accepts with Basic authentication";
            case PROXY_REFUSED:
                return "The proxy does not allow CONNECT to that host and port; have it allowed, or use a broker URL"
                        + " on a port it allows (wss:// on 443)";
            default:
                return "Check " + ProxySettings.HOST + " and " + ProxySettings.PORT + " of " + PID;
        }
    }
}
