package dev.webhookrelay.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.RabbitTopology;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The history tables are partitioned by day (V51), and nothing a client sees changes: lists page
 * across days, idempotency keys answer with their event whatever day it is in, and a work message
 * without the partition key (from an older relay) is still delivered.
 */
class HistoryPartitionsKeepTheApiExactTest extends RelayIntegrationTest {

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private RelayProperties properties;

    @Autowired
    private HistoryPartitions partitions;

    @Test
    void keysetPaginationPagesAcrossDailyPartitionsNewestFirstWithoutGapsOrRepeats() {
        String key = createTenant("partition-pages");
        UUID endpoint = UUID.fromString(createEndpoint(key, "http://127.0.0.1:9/x", "[\"nobody.*\"]").get("id").asText());
        UUID tenant = jdbc.queryForObject("SELECT tenant_id FROM endpoints WHERE id = ?", UUID.class, endpoint);
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        for (int daysAgo = 3; daysAgo >= 1; daysAgo--) {
            partitions.create(today.minusDays(daysAgo));
            Instant noon = today.minusDays(daysAgo).atTime(12, 0).toInstant(ZoneOffset.UTC);
            for (int i = 0; i < 8; i++) {
                // Two events share each instant: the id breaks the tie, as the cursor does.
                jdbc.update("INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at) VALUES (?, ?, 'page.old', '{}', 'h', ?)",
                        UUID.randomUUID(), tenant, Timestamp.from(noon.plusSeconds(i / 2)));
            }
        }
        for (int i = 0; i < 5; i++) {
            postEvent(key, "{\"type\":\"page.new\",\"payload\":{}}", null);
        }
        List<String> expected = jdbc.queryForList(
                "SELECT id::text FROM events WHERE tenant_id = ? ORDER BY created_at DESC, id DESC", String.class, tenant);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT tableoid) FROM events WHERE tenant_id = ?", Integer.class, tenant))
                .isGreaterThanOrEqualTo(3);

        assertThat(eventIdsPaged(key, 3)).hasSize(29).containsExactlyElementsOf(expected);
    }

    @Test
    void anIdempotencyKeyAnswersWithItsEventWhenTheEventIsInAnEarlierDaysPartition() {
        assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'idempotency_keys'", String.class))
                .as("the keys' own table is a plain table, outside the partitioned history").isEqualTo("r");
        String key = createTenant("partition-idempotency");
        String idempotencyKey = "partitions-" + UUID.randomUUID();
        Response first = postEvent(key, "{\"type\":\"idem.one\",\"payload\":{\"n\":1}}", idempotencyKey);
        UUID event = UUID.fromString(first.json().get("id").asText());
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        int daysAgo = latestEarlierDayWithItsOwnPartition(today);
        // The event (and its deliveries) now live in an earlier day's partition, as after midnight.
        jdbc.update("UPDATE events SET created_at = created_at - make_interval(days => ?) WHERE id = ?", daysAgo, event);
        jdbc.update("UPDATE deliveries SET created_at = created_at - make_interval(days => ?) WHERE event_id = ?",
                daysAgo, event);
        assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM events WHERE id = ?", String.class, event))
                .isEqualTo("events_p" + today.minusDays(daysAgo).toString().replace("-", ""));

        Response again = postEvent(key, "{\"type\":\"idem.one\",\"payload\":{\"n\":1}}", idempotencyKey);
        Response otherBody = postEvent(key, "{\"type\":\"idem.one\",\"payload\":{\"n\":2}}", idempotencyKey);
        Response otherKey = postEvent(key, "{\"type\":\"idem.one\",\"payload\":{\"n\":1}}", idempotencyKey + "-other");

        assertThat(again.json().get("id").asText()).isEqualTo(event.toString());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(otherBody.status()).isEqualTo(409);
        assertThat(otherKey.json().get("id").asText()).isNotEqualTo(event.toString());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE idempotency_key = ?", Integer.class, idempotencyKey))
                .isOne();
    }

    /**
     * Yesterday, unless its history is already in DEFAULT: in the hour after midnight (UTC) other
     * tests' rows dated an hour back are yesterday's, and a day with rows in DEFAULT stays there (V51).
     */
    private int latestEarlierDayWithItsOwnPartition(LocalDate today) {
        List<String> outcomes = new ArrayList<>();
        for (int daysAgo = 1; daysAgo <= 7; daysAgo++) {
            String outcome = partitions.create(today.minusDays(daysAgo));
            if ("created".equals(outcome) || "exists".equals(outcome)) {
                return daysAgo;
            }
            // null: the tables stayed too busy to lock.
            outcomes.add(today.minusDays(daysAgo) + " " + outcome);
        }
        throw new IllegalStateException("no day of the last week has partitions of its own: " + outcomes);
    }

    @Test
    void aWorkMessageWithoutTheCreatedAtHeaderIsStillClaimedAndDelivered() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("partition-old-message");
            UUID deliveryId = deliveryTo(key, receiver);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            // As from a relay before V51: the same delivery, replayed by hand, with a message lacking relay-created-at.
            jdbc.update("UPDATE deliveries SET status = 'RECEIVED', budget_attempts = 0, next_attempt_at = now() + interval '1 hour' WHERE id = ?",
                    deliveryId);
            UUID endpoint = jdbc.queryForObject("SELECT endpoint_id FROM deliveries WHERE id = ?", UUID.class, deliveryId);
            UUID tenant = jdbc.queryForObject("SELECT tenant_id FROM deliveries WHERE id = ?", UUID.class, deliveryId);
            WorkMessage old = new WorkMessage(deliveryId, endpoint, tenant, 1);
            assertThat(old.headers()).doesNotContainKey(WorkMessage.CREATED_AT);
            MessageBuilder message = MessageBuilder.withBody(old.body().getBytes());
            old.headers().forEach(message::setHeader);
            new RabbitTemplate(rabbit).send(properties.rabbitmq().workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                    message.build());

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 2);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));
            assertThat(attempts(deliveryId)).hasSize(2)
                    .allSatisfy(a -> assertThat(a.get("event_created_at")).isNotNull());
        }
    }
}
