package dev.webhookrelay.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * Clients that send their bodies slowly hold only their own requests. On JDK 17, which has no
 * virtual threads, platform-http ran every API request on Spring's default task pool of eight
 * threads: eight such clients, without even a valid key, held the API for every tenant.
 */
class SlowClientsDoNotHoldUpTheApiTest extends RelayIntegrationTest {

    private static final int SLOW_CLIENTS = 24;

    @Test
    void anotherTenantsEventIsAcceptedWhileSlowClientsTrickleTheirBodies() throws Exception {
        String key = createTenant("beside-slow-clients");
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer rk_slow\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"type\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }

            Response accepted = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"n\":1}}", null);

            assertThat(accepted.status()).isEqualTo(202);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }
}
