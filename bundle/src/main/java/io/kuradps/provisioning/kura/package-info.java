/**
 * What the bundle's components share, so none depends on another: the Kura event topics they hear ({@link
 * io.kuradps.provisioning.kura.KuraTopics}), how Kura's components name each other and Kura's SslManagerService PID
 * ({@link io.kuradps.provisioning.kura.KuraReferences}), and the bundle-private services one registers for the other
 * in the framework ({@link io.kuradps.provisioning.kura.DeviceCredentials}, registered by the provisioner for the hub
 * link; {@link io.kuradps.provisioning.kura.HubLinkStatus}, registered by the hub link for {@code dps:status}),
 * and a component's one thread for its tasks ({@link io.kuradps.provisioning.kura.TaskThread}).
 * Depends on no other package of the bundle. Private to the bundle: not exported, so no other bundle can wire to
 * these services.
 */
package io.kuradps.provisioning.kura;
