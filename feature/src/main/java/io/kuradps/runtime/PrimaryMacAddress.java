package io.kuradps.runtime;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/**
 * The primary MAC address Kura's SystemService reads from the machine; a transport whose {@code client-id} is empty
 * uses it, and without one refuses its configuration, as Kura's does.
 */
final class PrimaryMacAddress {

    private PrimaryMacAddress() {
    }

    /** The hardware address of the first interface that is up and not loopback, as {@code AA:BB:CC:DD:EE:FF}. */
    static Optional<String> of() {
        try {
            for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                byte[] address = candidate.isUp() && !candidate.isLoopback() ? candidate.getHardwareAddress() : null;
                if (address != null && address.length == 6) {
                    StringBuilder text = new StringBuilder();
                    for (byte octet : address) {
                        text.append(text.length() == 0 ? "" : ":").append(String.format("%02X", octet));
                    }
                    return Optional.of(text.toString());
                }
            }
        } catch (SocketException e) {
            // As Kura when it finds no primary interface: no MAC address.
        }
        return Optional.empty();
    }
}
