package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A flood of random API keys from one address: at most relay.auth.failed-attempts-per-minute of them
 * are answered 401, the rest 429 with Retry-After (a well-formed one after its one indexed lookup, as
 * a valid key from that address must still pass), and a tenant on another address keeps getting 202
 * throughout. The attacker's requests come from 127.0.0.2, so
 * the rest of the suite (on 127.0.0.1) keeps its own budget.
 */
class RandomApiKeysCannotStarveIngestTest extends RelayIntegrationTest {

    private static final String EVENT = "{\"type\":\"a\",\"payload\":{}}";

    @Autowired
    RelayProperties properties;

    @Test
    void randomKeysAreCutOffAfterTheBudgetWhileATenantKeepsIngesting() throws Exception {
        int budget = (int) properties.auth().failedAttemptsPerMinute();
        String tenantKey = createTenant("flooded");
        List<RawResponse> answers = new ArrayList<>();
        List<Integer> tenantStatuses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long started = System.nanoTime();
        try {
            // Waves until the address is cut off for a while: however slow the machine, the flood
            // outruns the refill (budget / 60 a second), and the tenant posts between the waves.
            for (int wave = 0; answers.stream().filter(a -> a.status() == 429).count() < 100 && wave < 5 * budget / 100 + 10; wave++) {
                List<Future<RawResponse>> flood = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String key = i % 3 == 0 ? "rk_guess-" + i : ApiKeys.generate();
                    flood.add(pool.submit(() -> postFrom("127.0.0.2", key)));
                }
                tenantStatuses.add(postEvent(tenantKey, EVENT, null).status());
                for (Future<RawResponse> answer : flood) {
                    answers.add(answer.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // The bucket refills evenly (budget / 60 tokens a second) while the flood runs.
        long refilled = (System.nanoTime() - started) / 1_000_000L * budget / 60_000 + 1;

        long unauthorized = answers.stream().filter(a -> a.status() == 401).count();
        List<RawResponse> limited = answers.stream().filter(a -> a.status() == 429).toList();
        assertThat(unauthorized + limited.size()).isEqualTo(answers.size());
        assertThat(unauthorized).isLessThanOrEqualTo(budget + refilled);
        assertThat(limited).isNotEmpty();
        assertThat(limited).allSatisfy(a -> {
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            assertThat(Long.parseLong(a.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(a.body()).contains("\"status\":429");
        });
        assertThat(tenantStatuses).containsOnly(202);

        // Another address has its own budget.
        assertThat(postFrom("127.0.0.3", ApiKeys.generate()).status()).isEqualTo(401);
        assertThat(get("/v1/events", Map.of("Authorization", "Bearer " + tenantKey)).status()).isEqualTo(200);
    }

    /** java.net.http cannot choose its local address: a minimal HTTP/1.1 exchange on a bound socket. */
    private RawResponse postFrom(String localAddress, String apiKey) throws IOException {
        byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + apiKey
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return RawResponse.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private record RawResponse(int status, Map<String, String> headers, String body) {

        static RawResponse parse(String raw) {
            String[] headAndBody = raw.split("\r\n\r\n", 2);
            String[] lines = headAndBody[0].split("\r\n");
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                String[] header = lines[i].split(":", 2);
                headers.put(header[0].trim(), header[1].trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers,
                    headAndBody.length > 1 ? headAndBody[1] : "");
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
