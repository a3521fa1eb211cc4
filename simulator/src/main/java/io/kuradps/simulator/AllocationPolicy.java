package io.kuradps.simulator;

import java.util.Locale;

/** How an enrollment picks one of its linked hubs. */
public enum AllocationPolicy {
    /** Always the first linked hub. */
    STATIC,
    /** The linked hubs in turn, per enrollment. */
    ROUND_ROBIN,
    /** A stable hash of the registration id picks the hub (DPS's "evenly weighted distribution"). */
    HASHED,
    /** A {@link CustomAllocation} decides and may return a payload to the device. */
    CUSTOM;

    static AllocationPolicy parse(String text) {
        String normalized = text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (normalized) {
            case "static":
                return STATIC;
            case "roundrobin":
                return ROUND_ROBIN;
            case "hashed":
                return HASHED;
            case "custom":
                return CUSTOM;
            default:
                throw new IllegalArgumentException(
                        "allocationPolicy '" + text + "' is not one of static, roundRobin, hashed, custom");
        }
    }
}
