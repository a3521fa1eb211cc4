package io.kuradps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayingRelayTest {

    @Test
    void relaysBothWaysAndCountsEveryByte() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] request = in.readNBytes(5);
                    out.write(request);
                    out.write(request);
                } catch (Exception e) {
                    // the assertions below fail if the echo did not happen
                }
            });
            server.start();
            try (DelayingRelay relay = new DelayingRelay(0, echo.getLocalPort());
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
                client.getOutputStream().write("hello".getBytes());
                byte[] answer = client.getInputStream().readNBytes(10);
                client.close();

                assertThat(new String(answer)).isEqualTo("hellohello");
                assertThat(relay.awaitIdle(5000)).isTrue();
                DelayingRelay.Traffic traffic = relay.take();
                assertThat(traffic.connections()).isEqualTo(1);
                assertThat(traffic.bytesUp()).isEqualTo(5);
                assertThat(traffic.bytesDown()).isEqualTo(10);
                assertThat(relay.take().total()).isZero();
            }
            server.join(5000);
        }
    }

    @Test
    void withARoundTripEveryChunkIsHeldHalfOfItAndTheFirstOneTheTcpHandshakeToo() throws Exception {
        long oneWay = Duration.ofMillis(20).toNanos();
        try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    out.write(in.readNBytes(5));
                } catch (Exception e) {
                    // the assertions below fail if the echo did not happen
                }
            });
            server.start();
            try (DelayingRelay relay = new DelayingRelay(0, echo.getLocalPort())) {
                relay.roundTrip(Duration.ofNanos(2 * oneWay));
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
                    client.getOutputStream().write("hello".getBytes());
                    assertThat(new String(client.getInputStream().readNBytes(5))).isEqualTo("hello");
                }
                assertThat(relay.awaitIdle(5000)).isTrue();
                List<DelayingRelay.Chunk> chunks = relay.takeChunks();
                DelayingRelay.Accepted accepted = relay.takeAccepted().get(0);
                assertThat(chunks).extracting(DelayingRelay.Chunk::up).containsExactly(true, false);
                assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.writtenNanos() - chunk.readNanos())
                        .isGreaterThanOrEqualTo(oneWay));
                assertThat(chunks.get(0).writtenNanos() - accepted.acceptedNanos()).as("TCP round trip, then half")
                        .isGreaterThanOrEqualTo(3 * oneWay);
                assertThat(relay.take().total()).isEqualTo(10);
            }
            server.join(5000);
        }
    }
}
