package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.hub.KuraReferences.KEYSTORE_TARGET;
import static io.kuradps.provisioning.hub.KuraReferences.SSL_MANAGER_TARGET;
import static org.eclipse.kura.configuration.ConfigurationService.KURA_SERVICE_PID;

import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.osgi.framework.InvalidSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of the transport, followed the way Kura wires it: the transport's {@code SslManagerService.target}
 * selects an SslManagerService, whose {@code KeystoreService.target} selects the KeystoreService it trusts and
 * presents keys from. For X.509 the device key must be the only key there, since Kura 5.0's SslManagerService
 * ignores the key alias; with {@code azure.root.cas} the Azure roots are added to that keystore, once per keystore
 * in this activation, and only those missing ({@link AzureRootCas}).
 */
final class TransportTls {

    private static final Logger LOG = LoggerFactory.getLogger(TransportTls.class);
    private static final String README = "see the provisioning bundle's README, \"The hub link\", X.509";

    private final ServiceSet<SslManagerService> sslManagers;
    private final ServiceSet<KeystoreService> keystores;
    private final Clock clock;
    private final Set<KeystoreService> rootsAdded = Collections.newSetFromMap(new IdentityHashMap<>());

    TransportTls(ServiceSet<SslManagerService> sslManagers, ServiceSet<KeystoreService> keystores, Clock clock) {
        this.sslManagers = sslManagers;
        this.keystores = keystores;
        this.clock = clock;
    }

    /** See {@link HubLink.Kura#prepareTls}. */
    void prepare(String transportPid, Map<String, Object> transportConfiguration, boolean x509, boolean addAzureRoots)
            throws HubConfigurationException, KuraException {
        if (!x509 && !addAzureRoots) {
            return;
        }
        String field = SSL_MANAGER_TARGET + " of transport " + transportPid;
        String sslTarget = KuraReferences.sslManagerTarget(transportConfiguration);
        if (x509 && sslTarget.equals(KuraReferences.target(KuraReferences.DEFAULT_SSL_MANAGER_PID))) {
            throw new HubConfigurationException(field, "is " + sslTarget + ", Kura's default SslManagerService, "
                    + "but an X.509 enrollment needs one that presents the device key and no other (Kura's "
                    + "SslManagerService ignores the key alias): create an SslManagerService and a KeystoreService "
                    + "instance holding only the device key and chain, and set " + SSL_MANAGER_TARGET + " to "
                    + "(kura.service.pid=<that SslManagerService>); " + README);
        }
        ServiceSet.Entry<SslManagerService> ssl = first(sslManagers, sslTarget, field, "no SslManagerService");
        Object keystoreTarget = ssl.property(KEYSTORE_TARGET);
        String keystoreField = KEYSTORE_TARGET + " of SslManagerService " + ssl.property(KURA_SERVICE_PID);
        if (keystoreTarget == null) {
            throw new HubConfigurationException(keystoreField, "is not set: the SslManagerService has no keystore");
        }
        KeystoreService keystore = first(keystores, String.valueOf(keystoreTarget), keystoreField,
                "no KeystoreService").service;
        if (x509) {
            checkOnlyOneKey(keystore, keystoreField + " (" + keystoreTarget + ")");
        }
        if (addAzureRoots && !rootsAdded.contains(keystore)) {
            List<String> added = AzureRootCas.addMissing(keystore, new Date(clock.millis()));
            rootsAdded.add(keystore);
            if (added.isEmpty()) {
                LOG.info("The keystore {} of transport {} trusts the Azure root CAs already", keystoreTarget,
                        transportPid);
            } else {
                LOG.info("Added the Azure root CAs {} to the keystore {} of transport {} (azure.root.cas)", added,
                        keystoreTarget, transportPid);
            }
        }
    }

    private static <S> ServiceSet.Entry<S> first(ServiceSet<S> services, String target, String field, String none)
            throws HubConfigurationException {
        try {
            List<ServiceSet.Entry<S>> found = services.matching(target);
            if (found.isEmpty()) {
                throw new HubConfigurationException(field, none + " matches " + target + " (yet)");
            }
            return found.get(0);
        } catch (InvalidSyntaxException e) {
            throw new HubConfigurationException(field, "'" + target + "' is not an LDAP filter: " + e.getMessage());
        }
    }

    private static void checkOnlyOneKey(KeystoreService keystore, String where) throws HubConfigurationException {
        Map<String, KeyStore.Entry> entries;
        try {
            entries = keystore.getEntries();
        } catch (KuraException e) {
            // A PKCS#11 keystore (Kura 5.2+) may not list its entries; the hub's answer will tell.
            LOG.warn("Cannot list the keys of the keystore {}, so whether it presents only the device key is not "
                    + "checked: {}", where, e.getMessage());
            return;
        }
        List<String> keys = new ArrayList<>();
        entries.forEach((alias, entry) -> {
            if (entry instanceof KeyStore.PrivateKeyEntry) {
                keys.add(alias);
            }
        });
        if (keys.size() != 1) {
            throw new HubConfigurationException(where, "holds " + (keys.isEmpty() ? "no key" : keys.size()
                    + " keys " + keys) + ", but an X.509 enrollment needs exactly the device key and its chain "
                    + "there (Kura's SslManagerService presents any key of its keystore); " + README);
        }
    }
}
