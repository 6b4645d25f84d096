package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A chunked body announces no length; it is still held to relay.ingest.max-payload-bytes. */
class IngestCapsChunkedBodiesTest extends RelayIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String key;

    @BeforeEach
    void tenant() {
        key = createTenant("chunked");
    }

    @Test
    void aChunkedEventWithinTheLimitIsAccepted() throws Exception {
        HttpResponse<String> accepted = postChunked(() -> stream("{\"type\":\"a\",\"payload\":{\"n\":1}}"));

        assertThat(accepted.headers().firstValue("Content-Length")).isEmpty();
        assertThat(accepted.statusCode()).isEqualTo(202);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> refused = postChunked(
                () -> stream("{\"type\":\"a\",\"payload\":\"" + "x".repeat(300_000) + "\"}"));

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"field\":\"payload\"");
    }

    @Test
    void anEndlessChunkedBodyIsRefusedAfterTheLimitNotReadToTheEnd() {
        AtomicLong sent = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                sent.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
                sent.addAndGet(length);
                return length;
            }
        };

        Integer status;
        try {
            status = postChunked(() -> endless).statusCode();
        } catch (Exception connectionClosedByTheRelay) {
            status = null;
        }

        // Either the 413 arrived or the relay hung up once it had refused; it never read on for ever.
        assertThat(status).isIn(413, null);
        assertThat(sent.get()).isLessThan(64L * 1024 * 1024);
    }

    private HttpResponse<String> postChunked(Supplier<InputStream> body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
