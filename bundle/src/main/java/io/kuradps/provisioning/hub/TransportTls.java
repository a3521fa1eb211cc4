package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.kura.KuraReferences.KEYSTORE_TARGET;
import static io.kuradps.provisioning.kura.KuraReferences.SSL_MANAGER_TARGET;
import static io.kuradps.provisioning.kura.KuraReferences.TRUSTSTORE_TARGET;
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

import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * The TLS side of the transport, followed the way Kura wires it: the transport's {@code SslManagerService.target}
 * selects an SslManagerService, whose {@code KeystoreService.target} selects the KeystoreService it trusts and
 * presents keys from. For X.509 the device key must be the only key there, since Kura 5.0's SslManagerService
 * ignores the key alias; with {@code azure.root.cas} the Azure roots are added to that keystore, once per keystore
 * in this activation, and only those missing ({@link AzureRootCas}). For a key a KeystoreService holds (a
 * certificate DPS issued, an X.509 enrollment's keystore), the hub link sets this up itself: an SslManagerService
 * over that keystore (one there already, or one it creates through Kura's ConfigurationService, trusting what the
 * transport trusted), so that keystore must be dedicated to that key.
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
     * What Kura's SslManagerServices hold for a plan: the one bound over the keystore of the key to present (if
     * any), and the keystores the transport's SslManagerService and Kura's default one trust.
     */
    SslManagersSeen seen(Optional<String> keyKeystorePid, String transportSslManagerTarget) {
        return new SslManagersSeen(keyKeystorePid.flatMap(this::sslManagerOver),
                trustKeystoreOf(transportSslManagerTarget),
                trustKeystoreOf(KuraReferences.DEFAULT_SSL_MANAGER_TARGET));
    }

    /**
     * The kura.service.pid of a bound SslManagerService whose {@code KeystoreService.target} selects this keystore
     * (an integrator's own, or the one the hub link created), best ranked first.
     */
    private Optional<String> sslManagerOver(String keystorePid) {
        String keystoreTarget = KuraReferences.target(keystorePid);
        List<ServiceSet.Entry<SslManagerService>> bound = sslManagers.matching(
                e -> keystoreTarget.equals(String.valueOf(e.property(KEYSTORE_TARGET)).trim()));
        return bound.isEmpty() ? Optional.empty()
                : Optional.of(String.valueOf(bound.get(0).property(KURA_SERVICE_PID)));
    }

    /**
     * The kura.service.pid of the KeystoreService whose certificates the SslManagerService this target selects
     * trusts, as Kura picks it (SslManagerServiceImpl.getTrustManagers): the one its
     * {@code TruststoreKeystoreService.target} selects, else, while that selects none (Kura's default
     * {@code (kura.service.pid=changeme)}), the one of its {@code KeystoreService.target}. Empty when no
     * SslManagerService or keystore is there (yet), or the target is no filter.
     */
    private Optional<String> trustKeystoreOf(String sslManagerTarget) {
        try {
            List<ServiceSet.Entry<SslManagerService>> ssl = sslManagers.matching(sslManagerTarget);
            if (ssl.isEmpty()) {
                return Optional.empty();
            }
            Optional<String> truststore = keystoreSelectedBy(ssl.get(0).property(TRUSTSTORE_TARGET));
            return truststore.isPresent() ? truststore : keystoreSelectedBy(ssl.get(0).property(KEYSTORE_TARGET));
        } catch (InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    private Optional<String> keystoreSelectedBy(Object target) throws InvalidSyntaxException {
        if (target == null) {
            return Optional.empty();
        }
        List<ServiceSet.Entry<KeystoreService>> found = keystores.matching(String.valueOf(target).trim());
        return found.isEmpty() ? Optional.empty()
                : Optional.ofNullable(found.get(0).property(KURA_SERVICE_PID)).map(String::valueOf);
    }

    /**
     * Carries out the TLS side of a write: checks what an X.509 identity needs, sets up the SslManagerService over the
     * keystore of the key to present, and with {@code azure.root.cas} adds the Azure roots to the keystore trusted.
     *
     * @return whether a keystore was written (Kura then closes every SSL transport, kura.md fact 3)
     * @throws HubConfigurationException naming the transport property, keystore or Kura service to set
     */
    boolean prepare(String transportPid, TlsPlan plan) throws HubConfigurationException, KuraException {
        if (plan.key().isPresent()) {
            return prepareKeystoreKey(transportPid, plan);
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
            checkOnlyOneKey(keystore, keystoreField + " (" + keystoreTarget + ")", null, null);
        }
        return addAzureRoots && addAzureRoots(keystore, String.valueOf(keystoreTarget), transportPid);
    }

    private boolean prepareKeystoreKey(String transportPid, TlsPlan plan)
            throws HubConfigurationException, KuraException {
        KeystoreKey key = plan.key().get();
        String keystorePid = key.keystorePid();
        String where = "KeystoreService " + keystorePid + " of " + plan.keyOrigin();
        KeystoreService keystore = keystores.withKuraServicePid(keystorePid)
                .orElseThrow(() -> HubConfigurationException.tlsSetup(where, "is not registered (yet)")).service;
        checkOnlyOneKey(keystore, where, key.alias(), plan.keyOrigin().keystoreField);
        if (plan.dedicatedSslManager().isPresent()) {
            pointAtKeystore(plan.dedicatedSslManager().get(), key, plan.keyOrigin(), plan.trustKeystore());
        }
        if (!plan.addAzureRoots()) {
            return false;
        }
        // The roots go where the SslManagerService takes its trust from.
        String trustPid = plan.trustKeystore().orElse(keystorePid);
        Optional<ServiceSet.Entry<KeystoreService>> trust = keystores.withKuraServicePid(trustPid);
        return trust.isPresent() && addAzureRoots(trust.get().service, trustPid, transportPid);
    }

    /**
     * Creates the SslManagerService over the key's keystore, or re-points it, through Kura's ConfigurationService,
     * so that Kura encrypts, tracks and snapshots it as any of its instances. It trusts the keystore the plan names
     * ({@code TruststoreKeystoreService.target}); without one, Kura's factory default stays, which selects nothing,
     * so Kura trusts the key's keystore.
     */
    private void pointAtKeystore(String pid, KeystoreKey key, TlsPlan.KeyOrigin keyOrigin, Optional<String> trustPid)
            throws KuraException {
        Map<String, Object> properties = new HashMap<>();
        properties.put(KEYSTORE_TARGET, KuraReferences.target(key.keystorePid()));
        trustPid.ifPresent(trust -> properties.put(TRUSTSTORE_TARGET, KuraReferences.target(trust)));
        ComponentConfiguration existing = configurationService.getComponentConfiguration(pid);
        if (existing == null) {
            LOG.info("Creating the SslManagerService {} over the keystore {} of {}, trusting {}", pid,
                    key.keystorePid(), keyOrigin, trustPid.orElse("that keystore"));
            configurationService.createFactoryConfiguration(KuraReferences.SSL_MANAGER_PID, pid, properties, true);
            return;
        }
        Map<String, Object> held = Optional.ofNullable(existing.getConfigurationProperties())
                .orElse(Collections.emptyMap());
        boolean differs = properties.entrySet().stream()
                .anyMatch(p -> !p.getValue().equals(String.valueOf(held.get(p.getKey())).trim()));
        if (differs) {
            LOG.info("Pointing the SslManagerService {} at the keystore {} of {}, trusting {}", pid,
                    key.keystorePid(), keyOrigin, trustPid.orElse("that keystore"));
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
     * @param keyAlias      the alias that key must have, or null for any
     * @param keystoreField the provisioner's field that names the keystore, with {@code keyAlias}
     */
    private static void checkOnlyOneKey(KeystoreService keystore, String where, String keyAlias, String keystoreField)
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
                    + "any key of it (Kura's SslManagerService ignores the alias), so it must hold the key "
                    + keyAlias + " and no other: give " + keystoreField + " a KeystoreService of its own; "
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
