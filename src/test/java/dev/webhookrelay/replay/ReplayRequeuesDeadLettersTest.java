package dev.webhookrelay.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

/**
 * Replays, one delivery and in bulk. The suite's background replay moves 2,000 dead letters;
 * bench/replay.sh runs the same test with 10,000 (-Drelay.replay.dead-letters).
 */
class ReplayRequeuesDeadLettersTest extends RelayIntegrationTest {

    private static final int DEAD_LETTERS = Integer.getInteger("relay.replay.dead-letters", 2000);

    @Test
    void aReplayedDeliveryGetsAFreshBudgetAndKeepsItsHistory() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("replay-one");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            Response replayed = post("/v1/deliveries/" + deliveryId + "/replay", null, as(key));

            assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            JsonNode attempts = get("/v1/deliveries/" + deliveryId + "/attempts", as(key)).json().get("data");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("DELIVERED");
            assertThat(attempts.get(1).get("outcome").asText()).isEqualTo("DEAD_LETTERED");
            assertThat(post("/v1/deliveries/" + UUID.randomUUID() + "/replay", null, as(key)).status()).isEqualTo(404);
        }
    }

    @Test
    void bulkReplayCountsWithDryRunThenReplaysAndReportsProgress() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(400), Reply.status(400),
                Reply.status(200))) {
            String key = createTenant("replay-bulk");
            String endpointId = createEndpoint(key, receiver.url(), "[]").get("id").asText();
            List<UUID> deliveries = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                deliveries.add(postAndGetDelivery(key, "order.created"));
            }
            deliveries.forEach(d -> awaitStatus(d, "DEAD_LETTERED", Duration.ofSeconds(15)));

            JsonNode dryRun = post("/v1/dlq/replay", "{\"endpointId\":\"" + endpointId + "\",\"dryRun\":true}", as(key)).json();
            assertThat(dryRun.get("count").asInt()).isEqualTo(3);
            assertThat(dryRun.get("replayId").isNull()).isTrue();
            assertThat(deliveries).allSatisfy(d -> assertThat(status(d)).isEqualTo("DEAD_LETTERED"));

            Response started = post("/v1/dlq/replay", "{\"endpointId\":\"" + endpointId + "\"}", as(key));
            assertThat(started.status()).isEqualTo(202);
            String replayId = started.json().get("replayId").asText();

            deliveries.forEach(d -> awaitStatus(d, "DELIVERED", Duration.ofSeconds(20)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode progress = get("/v1/replays/" + replayId, as(key)).json();
                assertThat(progress.get("status").asText()).isEqualTo("COMPLETED");
                assertThat(progress.get("total").asInt()).isEqualTo(3);
                assertThat(progress.get("done").asInt()).isEqualTo(3);
                assertThat(progress.get("delivered").asInt()).isEqualTo(3);
                assertThat(progress.get("failed").asInt()).isZero();
            });
        }
    }

    @Test
    void recoverReplaysAnEndpointsFailuresInAWindow() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(400), Reply.status(200))) {
            String key = createTenant("recover");
            String endpointId = createEndpoint(key, receiver.url(), "[]").get("id").asText();
            Instant since = Instant.now().minusSeconds(60);
            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DEAD_LETTERED", Duration.ofSeconds(15));

            Response recovered = post("/v1/endpoints/" + endpointId + "/recover", "{\"since\":\"" + since + "\"}", as(key));

            assertThat(recovered.status()).as(recovered.body()).isEqualTo(202);
            assertThat(recovered.json().get("count").asInt()).isEqualTo(1);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            Response missingSince = post("/v1/endpoints/" + endpointId + "/recover", "{}", as(key));
            assertThat(missingSince.status()).isEqualTo(422);
            assertThat(missingSince.json().get("field").asText()).isEqualTo("since");
            assertThat(post("/v1/dlq/replay", "{\"since\":\"last week\"}", as(key)).status()).isEqualTo(400);
            assertThat(post("/v1/dlq/replay", "{\"everything\":true}", as(key)).status()).isEqualTo(422);
        }
    }

    @Test
    void aBulkReplayOfThousandsRunsInTheBackgroundWhileLiveDeliveriesKeepFlowing() {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("replay-bulk-live");
            String endpointId = createEndpoint(key, receiver.url(), "[\"bulk.*\"]").get("id").asText();
            createEndpoint(key, receiver.url(), "[\"live.*\"]");
            insertDeadLetters(endpointId, DEAD_LETTERS);
            // Another tenant's replay of one dead letter, asked for just after: it takes its turn.
            String otherKey = createTenant("replay-bulk-other");
            String otherEndpointId = createEndpoint(otherKey, receiver.url(), "[\"bulk.*\"]").get("id").asText();
            insertDeadLetters(otherEndpointId, 1);

            Response started = post("/v1/dlq/replay", "{\"endpointId\":\"" + endpointId + "\"}", as(key));
            assertThat(started.json().get("count").asInt()).isEqualTo(DEAD_LETTERS);
            String replayId = started.json().get("replayId").asText();
            String otherReplayId = post("/v1/dlq/replay", "{\"endpointId\":\"" + otherEndpointId + "\"}", as(otherKey))
                    .json().get("replayId").asText();

            List<Long> liveLatencies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Instant posted = Instant.now();
                UUID live = postAndGetDelivery(key, "live.ping");
                awaitStatus(live, "DELIVERED", Duration.ofSeconds(30));
                liveLatencies.add(Duration.between(posted, Instant.now()).toMillis());
                if (i == 0) {
                    assertThat(get("/v1/replays/" + replayId, as(key)).json().get("delivered").asInt())
                            .as("dead letters delivered when the first live delivery was").isLessThan(DEAD_LETTERS);
                }
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(get("/v1/replays/" + replayId, as(key)).json().get("delivered").asInt())
                            .as("replay %s; statuses %s", get("/v1/replays/" + replayId, as(key)).body(),
                                    jdbc.queryForList("SELECT status, count(*) FROM deliveries WHERE endpoint_id = ?::uuid GROUP BY 1",
                                            endpointId))
                            .isEqualTo(DEAD_LETTERS));
            JsonNode progress = get("/v1/replays/" + replayId, as(key)).json();
            System.out.printf("Bulk replay of %d: %s; live delivery latencies during it (ms): %s%n", DEAD_LETTERS, progress,
                    liveLatencies);
            assertThat(progress.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(progress.get("failed").asInt()).isZero();
            assertThat(jdbc.queryForObject("SELECT (SELECT completed_at FROM replays WHERE id = ?::uuid) "
                    + "< (SELECT completed_at FROM replays WHERE id = ?::uuid)", Boolean.class, otherReplayId, replayId))
                    .as("the other tenant's replay completed first, in its turn").isTrue();
            // The suite's 5 s reconcile grace republishes deliveries queued behind this backlog; the
            // stale copies are skipped, but the tests after this one must not wait behind them.
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    JSON.readTree(TestServices.management("GET", "queues/{vhost}/relay.work", null))
                            .path("messages").asInt(-1) == 0);
        }
    }
}
