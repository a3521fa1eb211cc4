package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Many devices at once. The figures are printed, not asserted (the machine is shared); set
 * -Dsimulator.load.devices=2000 for the full run reported in the README.
 */
class LoadTest {

    @Test
    void manyDevicesConnectAtOnceAndAllGetAssigned() throws InterruptedException {
        int devices = Integer.getInteger("simulator.load.devices", 300);
        try (DpsSimulator simulator = LoadDriver.simulator()) {
            LoadDriver.Result result = LoadDriver.run(simulator, devices, 100, Duration.ofMinutes(3));
            System.out.println("LOAD " + result);
            assertThat(result.failures()).isZero();
            assertThat(result.connected()).isEqualTo(devices);
            assertThat(result.peakOpenConnections()).isEqualTo(devices);
            assertThat(result.assigned()).isEqualTo(devices);
            assertThat(simulator.counters().answers(200)).isEqualTo(devices);
        }
    }
}
