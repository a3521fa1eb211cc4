/**
 * What the bundle's components share, so neither depends on the other: the Kura event topics they hear, and the
 * bundle-private services one registers for the other in the framework ({@link
 * io.kuradps.provisioning.kura.DeviceCredentials}, registered by the provisioner for the hub link; {@link
 * io.kuradps.provisioning.kura.HubLinkStatus}, registered by the hub link for {@code dps:status}). Depends on no
 * other package of the bundle. Private to the bundle: not exported, so no other bundle can wire to these services.
 */
package io.kuradps.provisioning.kura;
