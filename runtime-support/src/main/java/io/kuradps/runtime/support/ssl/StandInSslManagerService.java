package io.kuradps.runtime.support.ssl;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.kura.ssl.SslServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's SslManagerService (5.5) for a runtime without Kura: a factory component, one instance per factory
 * configuration (Kura's stock one, kura.service.pid {@value #FACTORY_PID}, comes from its {@code snapshot_0.xml}).
 * As in Kura (runtime-support/README.md has each fact and its source):
 * <ul>
 * <li>its TLS trusts exactly the certificates of the KeystoreService its {@code TruststoreKeystoreService.target}
 * selects, or, while that selects none (its default {@code (kura.service.pid=changeme)}), of the one its
 * {@code KeystoreService.target} selects (also {@code changeme} by default); no fallback to the JVM's trust
 * store;</li>
 * <li>it presents the keys of the {@code KeystoreService.target} keystore, every key: the alias argument is
 * ignored, so a keystore holding two keys may present either;</li>
 * <li>it tells <em>every</em> SslServiceListener of the framework, not only the transports that use it, when its
 * configuration changes, when either keystore is bound or unbound after activation, and when a
 * {@link KeystoreChangedEvent} (that class only, not any event on its topic) comes from either keystore;</li>
 * <li>every TLS socket of its factories has Nagle's algorithm off ({@link NoDelaySslSocketFactory}).</li>
 * </ul>
 * A test or the demo routes the connections the TLS makes: a service of type {@link UnaryOperator} (of
 * SSLSocketFactory) with the property {@value #SOCKET_ROUTE_PROPERTY}{@code =true} is applied to every socket
 * factory handed out, e.g. the simulator's {@code hub::socketFactory}, which reaches the simulated hubs on
 * loopback under their real names. Only java.* types cross, so a launcher outside the framework can register it
 * on the system bundle. The configuration property {@code SocketRoute.target} picks another route.
 */
@Component(name = StandInSslManagerService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        enabled = false, service = { SslManagerService.class, ConfigurableComponent.class, EventHandler.class },
        property = EventConstants.EVENT_TOPIC + "=" + KeystoreChangedEvent.EVENT_TOPIC)
@Designate(ocd = SslManagerDefinition.class, factory = true)
public final class StandInSslManagerService implements SslManagerService, ConfigurableComponent, EventHandler {

    /** Kura's factory PID, and the kura.service.pid of its default instance. */
    public static final String FACTORY_PID = "org.eclipse.kura.ssl.SslManagerService";
    public static final String PROTOCOL_PROPERTY = "ssl.default.protocol";
    /** Service property of a socket route ({@code UnaryOperator<SSLSocketFactory>}). */
    public static final String SOCKET_ROUTE_PROPERTY = "kuradps.standin.ssl.socketRoute";

    private static final String DEFAULT_PROTOCOL = "TLSv1.2";
    private static final Logger LOG = LoggerFactory.getLogger(StandInSslManagerService.class);

    private volatile KeystoreService keystoreService;
    private volatile String keystorePid;
    private volatile KeystoreService truststoreService;
    private volatile String truststorePid;
    private volatile UnaryOperator<SSLSocketFactory> route;
    private final List<SslServiceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile String protocol = DEFAULT_PROTOCOL;
    private volatile boolean active;

    /** For Declarative Services. */
    public StandInSslManagerService() {
    }

    /**
     * Without a framework: that keystore (kura.service.pid {@code keystorePid}) and socket route (null for none)
     * bound from the start.
     */
    public StandInSslManagerService(KeystoreService keystore, String keystorePid,
            UnaryOperator<SSLSocketFactory> socketRoute, Map<String, Object> properties) {
        this.keystoreService = keystore;
        this.keystorePid = keystorePid;
        this.route = socketRoute;
        activate(properties);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        configure(properties);
        this.active = true;
    }

    @Modified
    void modified(Map<String, Object> properties) {
        configure(properties);
        notifyListeners();
    }

    private void configure(Map<String, Object> properties) {
        Object configured = properties.get(PROTOCOL_PROPERTY);
        this.protocol = configured == null ? DEFAULT_PROTOCOL : configured.toString().trim();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetKeystoreService")
    void setKeystoreService(KeystoreService keystore, Map<String, Object> properties) {
        this.keystoreService = keystore;
        Object pid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        this.keystorePid = pid == null ? null : pid.toString();
        notifyListeners();
    }

    void unsetKeystoreService(KeystoreService keystore) {
        if (this.keystoreService == keystore) {
            this.keystoreService = null;
            this.keystorePid = null;
            notifyListeners();
        }
    }

    @Reference(name = "TruststoreKeystoreService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetTruststoreKeystoreService")
    void setTruststoreKeystoreService(KeystoreService truststore, Map<String, Object> properties) {
        this.truststoreService = truststore;
        Object pid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        this.truststorePid = pid == null ? null : pid.toString();
        notifyListeners();
    }

    void unsetTruststoreKeystoreService(KeystoreService truststore) {
        if (this.truststoreService == truststore) {
            this.truststoreService = null;
            this.truststorePid = null;
            notifyListeners();
        }
    }

    @Reference(name = "SocketRoute", service = UnaryOperator.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + SOCKET_ROUTE_PROPERTY + "=true)", unbind = "unsetRoute")
    void setRoute(UnaryOperator<SSLSocketFactory> socketRoute) {
        this.route = socketRoute;
        notifyListeners();
    }

    void unsetRoute(UnaryOperator<SSLSocketFactory> socketRoute) {
        if (this.route == socketRoute) {
            this.route = null;
            notifyListeners();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeListener")
    void addListener(SslServiceListener listener) {
        this.listeners.add(listener);
    }

    void removeListener(SslServiceListener listener) {
        this.listeners.remove(listener);
    }

    /**
     * A change of either keystore's entries: every listener rebuilds its TLS, as in Kura, which reacts to the event
     * class only (an Event on the same topic built otherwise is ignored).
     */
    @Override
    public void handleEvent(Event event) {
        if (!(event instanceof KeystoreChangedEvent)) {
            return;
        }
        String sender = ((KeystoreChangedEvent) event).getSenderPid();
        if (sender != null && (sender.equals(this.keystorePid) || sender.equals(this.truststorePid))) {
            notifyListeners();
        }
    }

    /** Each listener in turn; one that throws (a transport whose configuration cannot be built) is logged. */
    private void notifyListeners() {
        if (!this.active) {
            return;
        }
        for (SslServiceListener listener : this.listeners) {
            try {
                listener.onConfigurationUpdated();
            } catch (RuntimeException e) {
                LOG.warn("An SslServiceListener failed to take the change: {}", e.getMessage());
            }
        }
    }

    @Override
    public SSLContext getSSLContext() throws GeneralSecurityException, IOException {
        return getSSLContext("");
    }

    /** The alias is ignored, as in Kura: the context presents any key of the keystore. */
    @Override
    public SSLContext getSSLContext(String keyAlias) throws GeneralSecurityException, IOException {
        if (this.protocol.isEmpty()) {
            return SSLContext.getDefault();
        }
        SSLContext context = SSLContext.getInstance(this.protocol);
        context.init(keyManagers(), trustManagers(), null);
        return context;
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory() throws GeneralSecurityException, IOException {
        return getSSLSocketFactory("");
    }

    @Override
    public SSLSocketFactory getSSLSocketFactory(String keyAlias) throws GeneralSecurityException, IOException {
        SSLSocketFactory tls = getSSLContext(keyAlias).getSocketFactory();
        UnaryOperator<SSLSocketFactory> socketRoute = this.route;
        return new NoDelaySslSocketFactory(socketRoute == null ? tls : socketRoute.apply(tls));
    }

    /** From the truststore when one is bound, else from the keystore; none without either. */
    private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        KeystoreService truststore = this.truststoreService;
        KeystoreService trusted = truststore != null ? truststore : this.keystoreService;
        String trustedPid = truststore != null ? this.truststorePid : this.keystorePid;
        if (trusted == null) {
            return new TrustManager[0];
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        try {
            factory.init(trusted.getKeyStore());
        } catch (KuraException e) {
            throw new IOException("the keystore " + trustedPid + " cannot be read: " + e.getMessage(), e);
        }
        return factory.getTrustManagers();
    }

    private KeyManager[] keyManagers() throws IOException {
        KeystoreService keystore = this.keystoreService;
        if (keystore == null) {
            throw new IOException("no KeystoreService matches this SslManagerService's KeystoreService.target");
        }
        try {
            return keystore.getKeyManagers(KeyManagerFactory.getDefaultAlgorithm()).toArray(new KeyManager[0]);
        } catch (KuraException e) {
            throw new IOException("the keystore " + this.keystorePid + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    @Deprecated
    public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias) {
        throw pathFormsNotOffered();
    }

    @Override
    @Deprecated
    public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias, boolean hostnameVerification) {
        throw pathFormsNotOffered();
    }

    @Override
    @Deprecated
    public X509Certificate[] getTrustCertificates() {
        throw pathFormsNotOffered();
    }

    @Override
    @Deprecated
    public void installTrustCertificate(String alias, X509Certificate x509crt) {
        throw pathFormsNotOffered();
    }

    @Override
    @Deprecated
    public void deleteTrustCertificate(String alias) {
        throw pathFormsNotOffered();
    }

    @Override
    @Deprecated
    public void installPrivateKey(String alias, PrivateKey privateKey, char[] password, Certificate[] publicCerts) {
        throw pathFormsNotOffered();
    }

    private static UnsupportedOperationException pathFormsNotOffered() {
        return new UnsupportedOperationException(
                "the stand-in SslManagerService offers only the forms Kura 5.0 has not deprecated; use the "
                        + "KeystoreService for certificates and keys");
    }
}
