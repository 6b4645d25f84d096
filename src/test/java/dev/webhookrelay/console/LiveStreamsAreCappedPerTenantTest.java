package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tenant's live streams, of all its portal links together, are capped by
 * relay.console.max-streams-per-tenant: one more is refused with 429 before it polls anything, while
 * another tenant's stream still opens and gets its update; a stream whose client left frees its place.
 */
class LiveStreamsAreCappedPerTenantTest extends RelayIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final HttpClient sse = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<InputStream> open = new ArrayList<>();

    @Autowired
    private RelayProperties properties;

    @AfterEach
    void closeStreams() throws IOException {
        for (InputStream stream : open) {
            stream.close();
        }
    }

    @Test
    void aTenantPastItsCapIsRefusedWhileAnotherTenantsStreamOpensAndGetsItsUpdate() throws Exception {
        String crowdingKey = createTenant("Streams Crowding " + UUID.randomUUID());
        String otherKey = createTenant("Streams Other " + UUID.randomUUID());
        try (TestReceiver receiver = new TestReceiver()) {
            String crowdingEvent = delivered(crowdingKey, receiver);
            String otherEvent = delivered(otherKey, receiver);
            String firstLink = portalPath(crowdingKey);
            String secondLink = portalPath(crowdingKey);
            int cap = properties.console().maxStreamsPerTenant();

            for (int i = 0; i < cap; i++) {
                HttpResponse<InputStream> stream = openStream((i % 2 == 0 ? firstLink : secondLink) + "/tail/stream");
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("text/event-stream"));
            }
            HttpResponse<InputStream> refusedTail = openStream(secondLink + "/tail/stream");
            assertThat(refusedTail.statusCode()).isEqualTo(429);
            assertThat(refusedTail.headers().firstValue("Retry-After")).isPresent();
            assertThat(new String(refusedTail.body().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("relay.console.max-streams-per-tenant");
            assertThat(openStream(firstLink + "/events/" + crowdingEvent + "/stream").statusCode()).isEqualTo(429);

            HttpResponse<InputStream> other = openStream(portalPath(otherKey) + "/tail/stream");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(firstData(other.body(), "attempt")).contains(otherEvent, "DELIVERED");

            // A client that leaves frees its place once its stream's heartbeat finds the connection closed.
            open.remove(0).close();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                HttpResponse<InputStream> again = openStream(firstLink + "/tail/stream");
                if (again.statusCode() != 200) {
                    again.body().close();
                }
                return again.statusCode() == 200;
            });
        }
    }

    /** An event of the tenant, delivered to the receiver: its tail streams have an attempt to send at once. */
    private String delivered(String apiKey, TestReceiver receiver) {
        createEndpoint(apiKey, receiver.url(), "[]");
        UUID delivery = postAndGetDelivery(apiKey, "order.created");
        awaitStatus(delivery, "DELIVERED", PATIENCE);
        return jdbc.queryForObject("SELECT event_id::text FROM deliveries WHERE id = ?", String.class, delivery);
    }

    private String portalPath(String apiKey) {
        Response minted = post("/v1/portal-links", "", Map.of("Authorization", "Bearer " + apiKey));
        assertThat(minted.status()).isEqualTo(201);
        return minted.json().get("url").asText().replaceFirst("^http://[^/]+", "");
    }

    /** Opens a stream as EventSource does; it stays open (its body unread) until the test ends. */
    private HttpResponse<InputStream> openStream(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = sse.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        open.add(response.body());
        return response;
    }

    /** The data of the stream's first event of that name. */
    private static String firstData(InputStream body, String name) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        boolean named = false;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (named) {
                    return data.toString();
                }
                data.setLength(0);
            } else if (line.equals("event:" + name)) {
                named = true;
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length())).append('\n');
            }
        }
        throw new IllegalStateException("the stream ended before an event named " + name);
    }
}
