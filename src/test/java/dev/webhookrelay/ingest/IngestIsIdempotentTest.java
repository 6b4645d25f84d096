package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

class IngestIsIdempotentTest extends RelayIntegrationTest {

    private static final String BODY = "{\"type\":\"order.created\",\"payload\":{\"id\":1}}";

    @Test
    void sameKeyAndBodyReplaysTheOriginalAnswer() {
        String key = createTenant("idem");
        createEndpoint(key, "http://127.0.0.1:9/a", "[]");

        Response first = postEvent(key, BODY, "key-1");
        Response second = postEvent(key, BODY, "key-1");

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(eventsWithKey(key, "key-1")).isEqualTo(1);
    }

    @Test
    void sameKeyWithDifferentBodyIsAConflict() {
        String key = createTenant("idem-conflict");
        postEvent(key, BODY, "key-2");

        Response conflict = postEvent(key, "{\"type\":\"order.created\",\"payload\":{\"id\":2}}", "key-2");

        assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
        assertThat(conflict.header("Content-Type")).startsWith("application/problem+json");
        assertThat(conflict.json().get("field").asText()).isEqualTo("Idempotency-Key");
    }

    @Test
    void keysAreScopedPerTenant() {
        String acme = createTenant("scope-a");
        String globex = createTenant("scope-b");

        Response a = postEvent(acme, BODY, "shared-key");
        Response b = postEvent(globex, BODY, "shared-key");

        assertThat(a.status()).isEqualTo(202);
        assertThat(b.status()).isEqualTo(202);
        assertThat(b.header("Idempotent-Replayed")).isNull();
        assertThat(b.json().get("id")).isNotEqualTo(a.json().get("id"));
    }

    @Test
    void fiftyConcurrentRequestsWithOneKeyStoreExactlyOneEvent() throws Exception {
        String key = createTenant("idem-race");
        createEndpoint(key, "http://127.0.0.1:9/a", "[]");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Callable<Response> request = () -> {
                start.await();
                return postEvent(key, BODY, "race-key");
            };
            answers.add(pool.submit(request));
        }
        start.countDown();
        List<Response> responses = new ArrayList<>();
        for (Future<Response> answer : answers) {
            responses.add(answer.get());
        }
        pool.shutdown();

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(202));
        assertThat(responses.stream().map(r -> r.json().get("id").asText()).distinct()).hasSize(1);
        assertThat(responses.stream().filter(r -> r.header("Idempotent-Replayed") == null)).hasSize(1);
        assertThat(eventsWithKey(key, "race-key")).isEqualTo(1);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE e.idempotency_key = 'race-key'""", Integer.class)).isEqualTo(1);
    }

    private int eventsWithKey(String apiKey, String idempotencyKey) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM events e JOIN api_keys k ON k.tenant_id = e.tenant_id
                WHERE k.key_hash = ? AND e.idempotency_key = ?""",
                Integer.class, dev.webhookrelay.auth.ApiKeys.hash(apiKey), idempotencyKey);
    }
}
