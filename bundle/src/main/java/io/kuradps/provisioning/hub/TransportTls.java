package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.kura.KuraReferences.KEYSTORE_TARGET;
import static io.kuradps.provisioning.kura.KuraReferences.SSL_MANAGER_TARGET;
import static org.eclipse.kura.configuration.ConfigurationService.KURA_SERVICE_PID;

import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.osgi.framework.InvalidSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * The TLS side of the transport, followed the way Kura wires it: the transport's {@code SslManagerService.target}
 * selects an SslManagerService, whose {@code KeystoreService.target} selects the KeystoreService it trusts and
 * presents keys from. For X.509 the device key must be the only key there, since Kura 5.0's SslManagerService
 * ignores the key alias; with {@code azure.root.cas} the Azure roots are added to that keystore, once per keystore
 * in this activation, and only those missing ({@link AzureRootCas}). For a certificate DPS issued, the hub link
 * sets this up itself: an SslManagerService over the certificate's keystore (one there already, or one it creates
 * through Kura's ConfigurationService), so that keystore must be dedicated to that key.
 */
final class TransportTls {

    private static final Logger LOG = LoggerFactory.getLogger(TransportTls.class);
    private static final String README = "see the provisioning bundle's README, \"The hub link\", X.509";

    private final ConfigurationService configurationService;
    private final ServiceSet<SslManagerService> sslManagers;
    private final ServiceSet<KeystoreService> keystores;
    private final Clock clock;
    private final Set<KeystoreService> rootsAdded = Collections.newSetFromMap(new IdentityHashMap<>());

    TransportTls(ConfigurationService configurationService, ServiceSet<SslManagerService> sslManagers,
            ServiceSet<KeystoreService> keystores, Clock clock) {
        this.configurationService = configurationService;
        this.sslManagers = sslManagers;
        this.keystores = keystores;
        this.clock = clock;
    }

    /**
     * The kura.service.pid of a bound SslManagerService whose {@code KeystoreService.target} selects this keystore
     * (an integrator's own, or the one the hub link created), best ranked first.
     */
    Optional<String> sslManagerOver(String keystorePid) {
        String keystoreTarget = KuraReferences.target(keystorePid);
        List<ServiceSet.Entry<SslManagerService>> bound = sslManagers.matching(
                e -> keystoreTarget.equals(String.valueOf(e.property(KEYSTORE_TARGET)).trim()));
        return bound.isEmpty() ? Optional.empty()
                : Optional.of(String.valueOf(bound.get(0).property(KURA_SERVICE_PID)));
    }

    /**
     * Carries out the TLS side of a write: checks what an X.509 identity needs, sets up the SslManagerService over an
     * issued certificate's keystore, and with {@code azure.root.cas} adds the Azure roots to the keystore in use.
     *
     * @return whether a keystore was written (Kura then closes every SSL transport, kura.md fact 3)
     * @throws HubConfigurationException naming the transport property, keystore or Kura service to set
     */
    boolean prepare(String transportPid, TlsPlan plan) throws HubConfigurationException, KuraException {
        if (plan.certificate().isPresent()) {
            return prepareIssued(transportPid, plan.certificate().get(), plan.dedicatedSslManager(),
                    plan.addAzureRoots());
        } else if (plan.step() == TlsPlan.Step.CHECK_ENROLLMENT_KEY || plan.addAzureRoots()) {
            return prepareTransports(transportPid, plan.sslManagerTarget(),
                    plan.step() == TlsPlan.Step.CHECK_ENROLLMENT_KEY, plan.addAzureRoots());
        }
        return false;
    }

    private boolean prepareTransports(String transportPid, String sslTarget, boolean x509, boolean addAzureRoots)
            throws HubConfigurationException, KuraException {
        String field = SSL_MANAGER_TARGET + " of transport " + transportPid;
        if (x509 && sslTarget.equals(KuraReferences.DEFAULT_SSL_MANAGER_TARGET)) {
            throw HubConfigurationException.tlsSetup(field, "is " + sslTarget + ", Kura's default SslManagerService, "
                    + "but an X.509 enrollment needs one that presents the device key and no other (Kura's "
                    + "SslManagerService ignores the key alias): create an SslManagerService and a KeystoreService "
                    + "instance holding only the device key and chain, and set " + SSL_MANAGER_TARGET + " to "
                    + "(kura.service.pid=<that SslManagerService>); " + README);
        }
        ServiceSet.Entry<SslManagerService> ssl = first(sslManagers, sslTarget, field, "no SslManagerService");
        Object keystoreTarget = ssl.property(KEYSTORE_TARGET);
        String keystoreField = KEYSTORE_TARGET + " of SslManagerService " + ssl.property(KURA_SERVICE_PID);
        if (keystoreTarget == null) {
            throw HubConfigurationException.tlsSetup(keystoreField,
                    "is not set: the SslManagerService has no keystore");
        }
        KeystoreService keystore = first(keystores, String.valueOf(keystoreTarget), keystoreField,
                "no KeystoreService").service;
        if (x509) {
            checkOnlyOneKey(keystore, keystoreField + " (" + keystoreTarget + ")", null);
        }
        return addAzureRoots && addAzureRoots(keystore, String.valueOf(keystoreTarget), transportPid);
    }

    private boolean prepareIssued(String transportPid, IssuedCertificate certificate, Optional<String> dedicated,
            boolean addAzureRoots) throws HubConfigurationException, KuraException {
        String keystorePid = certificate.keystoreServicePid();
        String where = "KeystoreService " + keystorePid + " of the issued certificate";
        KeystoreService keystore = keystores.withKuraServicePid(keystorePid)
                .orElseThrow(() -> HubConfigurationException.tlsSetup(where, "is not registered (yet)")).service;
        checkOnlyOneKey(keystore, where, certificate.alias());
        if (dedicated.isPresent()) {
            pointAtKeystore(dedicated.get(), keystorePid);
        }
        return addAzureRoots && addAzureRoots(keystore, keystorePid, transportPid);
    }

    /**
     * Creates the SslManagerService over the issued certificate's keystore, or re-points it, through Kura's
     * ConfigurationService, so that Kura encrypts, tracks and snapshots it as any of its instances.
     */
    private void pointAtKeystore(String pid, String keystorePid) throws KuraException {
        String keystoreTarget = KuraReferences.target(keystorePid);
        Map<String, Object> properties = new HashMap<>();
        properties.put(KEYSTORE_TARGET, keystoreTarget);
        ComponentConfiguration existing = configurationService.getComponentConfiguration(pid);
        if (existing == null) {
            LOG.info("Creating the SslManagerService {} over the keystore {} of the issued certificate", pid,
                    keystorePid);
            configurationService.createFactoryConfiguration(KuraReferences.SSL_MANAGER_PID, pid, properties, true);
        } else if (!keystoreTarget.equals(String.valueOf(Optional.ofNullable(existing.getConfigurationProperties())
                .map(p -> p.get(KEYSTORE_TARGET)).orElse(null)))) {
            LOG.info("Pointing the SslManagerService {} at the keystore {} of the issued certificate", pid,
                    keystorePid);
            configurationService.updateConfiguration(pid, properties, true);
        }
    }

    /** @return whether a root was added */
    private boolean addAzureRoots(KeystoreService keystore, String keystoreName, String transportPid)
            throws KuraException {
        if (rootsAdded.contains(keystore)) {
            return false;
        }
        List<String> added = AzureRootCas.addMissing(keystore, new Date(clock.millis()));
        rootsAdded.add(keystore);
        if (added.isEmpty()) {
            LOG.info("The keystore {} of transport {} trusts the Azure root CAs already", keystoreName, transportPid);
        } else {
            LOG.info("Added the Azure root CAs {} to the keystore {} of transport {} (azure.root.cas)", added,
                    keystoreName, transportPid);
        }
        return !added.isEmpty();
    }

    private static <S> ServiceSet.Entry<S> first(ServiceSet<S> services, String target, String field, String none)
            throws HubConfigurationException {
        try {
            List<ServiceSet.Entry<S>> found = services.matching(target);
            if (found.isEmpty()) {
                throw HubConfigurationException.tlsSetup(field, none + " matches " + target + " (yet)");
            }
            return found.get(0);
        } catch (InvalidSyntaxException e) {
            throw HubConfigurationException.tlsSetup(field,
                    "'" + target + "' is not an LDAP filter: " + e.getMessage());
        }
    }

    /**
     * Kura's SslManagerService presents any key of its keystore, so the device key must be the only one.
     *
     * @param keyAlias the alias that key must have, or null for any
     */
    private static void checkOnlyOneKey(KeystoreService keystore, String where, String keyAlias)
            throws HubConfigurationException {
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
        if (keyAlias != null && !keys.equals(Collections.singletonList(keyAlias))) {
            throw HubConfigurationException.tlsSetup(where, "holds " + describe(keys) + ", but the transport presents "
                    + "any key of it (Kura's SslManagerService ignores the alias), so it must hold the issued key "
                    + keyAlias + " and no other: give certificate.keystore.service.pid a KeystoreService of its own; "
                    + README);
        }
        if (keys.size() != 1) {
            throw HubConfigurationException.tlsSetup(where, "holds " + describe(keys) + ", but an X.509 enrollment "
                    + "needs exactly the device key and its chain there (Kura's SslManagerService presents any key "
                    + "of its keystore); " + README);
        }
    }

    private static String describe(List<String> keys) {
        return keys.isEmpty() ? "no key" : keys.size() == 1 ? "only the key " + keys : keys.size() + " keys " + keys;
    }
}
