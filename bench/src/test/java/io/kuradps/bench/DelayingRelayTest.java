package io.kuradps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class CountingProxyTest {

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
            try (CountingProxy proxy = new CountingProxy(0, echo.getLocalPort());
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                client.getOutputStream().write("hello".getBytes());
                byte[] answer = client.getInputStream().readNBytes(10);
                client.close();

                assertThat(new String(answer)).isEqualTo("hellohello");
                assertThat(proxy.awaitIdle(5000)).isTrue();
                CountingProxy.Traffic traffic = proxy.take();
                assertThat(traffic.connections()).isEqualTo(1);
                assertThat(traffic.bytesUp()).isEqualTo(5);
                assertThat(traffic.bytesDown()).isEqualTo(10);
                assertThat(proxy.take().total()).isZero();
            }
            server.join(5000);
        }
    }
}
