package io.kuradps.provisioning.component;

import java.nio.file.Paths;
import java.time.Instant;

import io.kuradps.provisioning.api.Assignment;

/**
 * Child process of {@link AssignmentStorePowerLossTest}: rewrites the cached assignment with the real
 * {@link AssignmentStore} until it is killed, printing the number of each completed write. Record n names hub A or
 * B by parity, device dev-n and payload {"n":n}, so a reader can tell a whole record from a torn one.
 */
public final class AssignmentRewriter {

    static final AssignmentStore.Key KEY = new AssignmentStore.Key("0ne00000A0A", "gw-power", "dps.example");

    private AssignmentRewriter() {
    }

    public static void main(String[] args) throws Exception {
        AssignmentStore store = new AssignmentStore(Paths.get(args[0]));
        for (long n = Long.parseLong(args[1]);; n++) {
            store.save(KEY, record(n));
            System.out.println(n);
        }
    }

    static Assignment record(long n) {
        return Assignment.builder()
                .assignedHub(n % 2 == 0 ? "hub-a.azure-devices.net" : "hub-b.azure-devices.net")
                .deviceId("dev-" + n)
                .registrationId("gw-power")
                .idScope("0ne00000A0A")
                .payloadJson("{\"n\":" + n + "}")
                .assignedAt(Instant.ofEpochSecond(1_700_000_000L + n))
                .source(Assignment.Source.DPS)
                .build();
    }
}
