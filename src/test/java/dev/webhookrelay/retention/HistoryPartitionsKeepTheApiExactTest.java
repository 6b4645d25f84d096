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
import java.util.concurrent.atomic.AtomicReference;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.RabbitTopology;
import dev.webhookrelay.history.HistoryDay;
import dev.webhookrelay.history.HistoryDays;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The history tables are partitioned by day (V51), and nothing a client sees changes: lists page
 * across days, idempotency keys answer with their event whatever day it is in, a work message
 * without the partition key (from an older relay) is still delivered, and so is one whose day's
 * partitions another relay dropped after this one learnt of them.
 */
class HistoryPartitionsKeepTheApiExactTest extends RelayIntegrationTest {

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private RelayProperties properties;

    @Autowired
    private HistoryPartitions partitions;

    @Autowired
    private HistoryDays historyDays;

    @Autowired
    private ShortLocks shortLocks;

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

    @Test
    void aDeliveryWhosePartitionsAnotherRelayDroppedIsClaimedAndRecordedThroughTheParents() throws Exception {
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("partition-dropped-elsewhere");
            UUID endpoint = UUID.fromString(createEndpoint(key, receiver.url(), "[\"none.*\"]").get("id").asText());
            LocalDate day = dayWithItsOwnPartitions();
            Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
            UUID delivery = scheduledDeliveryKnownToBeInItsDaysPartition(endpoint, at);

            assertThat(anotherRelayDrops(day)).isTrue();
            assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM deliveries WHERE id = ?", String.class, delivery))
                    .isEqualTo("deliveries_default");
            assertThat(historyDays.of(at)).isNotEqualTo(HistoryDay.PARENTS);
            publish(endpoint, delivery, at);

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() >= 1);
            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(15));
            assertThat(jdbc.queryForList("SELECT tableoid::regclass::text FROM attempts WHERE delivery_id = ?", String.class,
                    delivery)).containsExactly("attempts_default");
            assertThat(historyDays.of(at)).isEqualTo(HistoryDay.PARENTS);
        }
    }

    /** The claim named the day's partitions; they are gone by the time the outcome is recorded, in or out of its transaction. */
    @ParameterizedTest
    @CsvSource({"200, DELIVERED", "422, DEAD_LETTERED"})
    void anAttemptWhosePartitionsAnotherRelayDropsWhileItRunsIsRecordedThroughTheParents(int answer, String outcome)
            throws Exception {
        AtomicReference<LocalDate> dayToDrop = new AtomicReference<>();
        try (TestReceiver receiver = new TestReceiver(request -> {
            LocalDate day = dayToDrop.getAndSet(null);
            if (day != null && !anotherRelayDrops(day)) {
                throw new IllegalStateException("the tables stayed busy: " + day + " not dropped");
            }
            return TestReceiver.Reply.status(answer);
        })) {
            String key = createTenant("partition-dropped-mid-attempt");
            UUID endpoint = UUID.fromString(createEndpoint(key, receiver.url(), "[\"none.*\"]").get("id").asText());
            LocalDate day = dayWithItsOwnPartitions();
            Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
            UUID delivery = scheduledDeliveryKnownToBeInItsDaysPartition(endpoint, at);
            dayToDrop.set(day);
            publish(endpoint, delivery, at);

            awaitStatus(delivery, outcome, Duration.ofSeconds(15));
            assertThat(dayToDrop.get()).as("dropped while the receiver held the attempt").isNull();
            assertThat(jdbc.queryForList("SELECT tableoid::regclass::text FROM attempts WHERE delivery_id = ?", String.class,
                    delivery)).containsExactly("attempts_default");
            assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM deliveries WHERE id = ?", String.class, delivery))
                    .isEqualTo("deliveries_default");
            assertThat(historyDays.of(at)).isEqualTo(HistoryDay.PARENTS);
        }
    }

    /**
     * An event and its delivery in the day's partitions, with the day known to this relay's
     * HistoryDays. The delivery waits for its first attempt an hour ahead, so that neither the outbox
     * sweeper nor the reconciler sends it before the test's own message.
     */
    private UUID scheduledDeliveryKnownToBeInItsDaysPartition(UUID endpoint, Instant at) {
        UUID tenant = jdbc.queryForObject("SELECT tenant_id FROM endpoints WHERE id = ?", UUID.class, endpoint);
        UUID event = UUID.randomUUID();
        jdbc.update("INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at) VALUES (?, ?, 'none.late', '{}', 'h', ?)",
                event, tenant, Timestamp.from(at));
        UUID delivery = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'RETRY_SCHEDULED', now() + interval '1 hour', ?, ?)""",
                delivery, event, endpoint, tenant, Timestamp.from(at), Timestamp.from(at));
        partitions.createAhead();
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        assertThat(historyDays.of(at)).isEqualTo(new HistoryDay("_p" + day.toString().replace("-", "")));
        return delivery;
    }

    /** Another relay's retention: its own HistoryDays, so this relay's still names the day's partitions. */
    private boolean anotherRelayDrops(LocalDate day) {
        return new HistoryPartitions(jdbc, properties, shortLocks, new HistoryDays()).drop(day);
    }

    private void publish(UUID endpoint, UUID delivery, Instant at) {
        UUID tenant = jdbc.queryForObject("SELECT tenant_id FROM endpoints WHERE id = ?", UUID.class, endpoint);
        WorkMessage work = new WorkMessage(delivery, endpoint, tenant, 1).withCreatedAt(at);
        MessageBuilder message = MessageBuilder.withBody(work.body().getBytes());
        work.headers().forEach(message::setHeader);
        new RabbitTemplate(rabbit).send(properties.rabbitmq().workExchange(), RabbitTopology.WORK_ROUTING_KEY,
                message.build());
    }

    /**
     * A day three or four weeks back with partitions of its own, which no other test writes to, and
     * which retention (relay.retention.max-age, 30 days) leaves alone meanwhile.
     */
    private LocalDate dayWithItsOwnPartitions() {
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        for (int daysAgo = 20; daysAgo <= 27; daysAgo++) {
            String outcome = partitions.create(today.minusDays(daysAgo));
            if ("created".equals(outcome) || "exists".equals(outcome)) {
                return today.minusDays(daysAgo);
            }
        }
        throw new IllegalStateException("no day three or four weeks back has partitions of its own");
    }
}
