package dev.webhookrelay.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.config.RelayProperties;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RetentionPurgesOldDataTest extends RelayIntegrationTest {

    @Autowired
    private ProducerTemplate camel;

    @Autowired
    private DataRetention retention;

    @Autowired
    private HistoryPartitions partitions;

    @Autowired
    private RelayProperties properties;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    @Test
    void eventsOlderThanTheRetentionGoWithTheirDeliveriesAndAttemptsButInFlightOnesStay() {
        String key = createTenant("retention");
        UUID endpoint = UUID.fromString(createEndpoint(key, "http://127.0.0.1:9/x", "[\"old.*\"]").get("id").asText());
        UUID old = UUID.fromString(postEvent(key, "{\"type\":\"old.done\",\"payload\":{}}", null).json().get("id").asText());
        UUID oldInFlight = UUID.fromString(postEvent(key, "{\"type\":\"old.busy\",\"payload\":{}}", null).json().get("id").asText());
        UUID recent = UUID.fromString(postEvent(key, "{\"type\":\"new.one\",\"payload\":{}}", null).json().get("id").asText());
        // The endpoint refuses connections: once each delivery has had an attempt, disable it and let any
        // attempt in flight finish, so that no retry rewrites the statuses set below.
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(DISTINCT a.delivery_id) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id IN (?, ?)",
                Integer.class, old, oldInFlight) >= 2);
        jdbc.update("UPDATE endpoints SET enabled = false WHERE id = ?", endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM deliveries WHERE event_id IN (?, ?) AND status = 'DISPATCHING'",
                Integer.class, old, oldInFlight) == 0);
        // An event's deliveries and attempts carry its created_at, the partition key (V51): the three
        // move together, here to the DEFAULT partitions, since no partition covers that day.
        jdbc.update("UPDATE events SET created_at = now() - interval '31 days' WHERE id IN (?, ?)", old, oldInFlight);
        jdbc.update("UPDATE deliveries d SET created_at = e.created_at FROM events e WHERE e.id = d.event_id AND e.id IN (?, ?)",
                old, oldInFlight);
        jdbc.update("""
                UPDATE attempts a SET event_created_at = d.created_at FROM deliveries d
                 WHERE d.id = a.delivery_id AND d.event_id IN (?, ?)""", old, oldInFlight);
        jdbc.update("UPDATE deliveries SET status = 'DEAD_LETTERED' WHERE event_id = ?", old);
        jdbc.update("UPDATE deliveries SET status = 'RETRY_SCHEDULED', next_attempt_at = now() + interval '1 hour' WHERE event_id = ?",
                oldInFlight);

        camel.sendBody("direct:purge-expired-events-now", null);

        assertThat(exists(old)).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, old)).isZero();
        assertThat(exists(oldInFlight)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, oldInFlight)).isOne();
        assertThat(exists(recent)).isTrue();
    }

    @Test
    void partitionsAreCreatedAheadForTodayAndTheConfiguredDaysAndCreatingThemAgainChangesNothing() throws Exception {
        LocalDate today = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date", LocalDate.class);
        // Two relays starting together: both create, neither fails, each day exists once.
        ExecutorService relays = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> passes = List.of(relays.submit(partitions::createAhead),
                    relays.submit(partitions::createAhead));
            for (Future<Integer> pass : passes) {
                pass.get(30, TimeUnit.SECONDS);
            }
        } finally {
            relays.shutdown();
        }

        for (int ahead = 0; ahead <= properties.retention().historyPartitionsAhead(); ahead++) {
            String suffix = today.plusDays(ahead).format(DAY);
            for (String table : List.of("events", "deliveries", "attempts")) {
                assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table + "_p" + suffix))
                        .as(table + " of " + suffix).isTrue();
            }
        }
        assertThat(partitions.createAhead()).isZero();
    }

    @Test
    void anExpiredDayIsDroppedWholeButItsUnfinishedEventsMoveToDefaultWithAllTheirDeliveriesAndAttempts() {
        String key = createTenant("retention-partitions");
        UUID endpoint = UUID.fromString(createEndpoint(key, "http://127.0.0.1:9/x", "[\"none.*\"]").get("id").asText());
        UUID tenant = jdbc.queryForObject("SELECT tenant_id FROM endpoints WHERE id = ?", UUID.class, endpoint);
        // Disabled: nothing the test writes below is ever attempted, republished or resumed.
        jdbc.update("UPDATE endpoints SET enabled = false WHERE id = ?", endpoint);
        LocalDate day = jdbc.queryForObject("SELECT (now() AT TIME ZONE 'UTC')::date - 45", LocalDate.class);
        assertThat(partitions.create(day)).isEqualTo("created");
        Instant at = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        UUID done = event(tenant, at);
        UUID doneDelivery = delivery(done, endpoint, tenant, at, "DELIVERED");
        attempt(doneDelivery, at);
        UUID unfinished = event(tenant, at.plusSeconds(60));
        UUID finishedSibling = delivery(unfinished, endpoint, tenant, at.plusSeconds(60), "DEAD_LETTERED");
        UUID paused = delivery(unfinished, endpoint, tenant, at.plusSeconds(60), "PAUSED");
        attempt(finishedSibling, at.plusSeconds(60));
        attempt(finishedSibling, at.plusSeconds(60));
        attempt(paused, at.plusSeconds(60));

        DataRetention.Purge purge = retention.purgeExpiredEvents();

        assertThat(purge.droppedDays()).contains(day);
        assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NULL AND to_regclass(?) IS NULL AND to_regclass(?) IS NULL",
                Boolean.class, "events_p" + day.format(DAY), "deliveries_p" + day.format(DAY), "attempts_p" + day.format(DAY)))
                .isTrue();
        assertThat(exists(done)).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, done)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM attempts WHERE delivery_id = ?", Integer.class, doneDelivery)).isZero();
        // The unfinished event is whole, in DEFAULT, and reads as before.
        assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM events WHERE id = ?", String.class, unfinished))
                .isEqualTo("events_default");
        assertThat(jdbc.queryForList("SELECT tableoid::regclass::text FROM deliveries WHERE event_id = ?", String.class, unfinished))
                .containsExactly("deliveries_default", "deliveries_default");
        assertThat(jdbc.queryForList("SELECT tableoid::regclass::text FROM attempts WHERE delivery_id IN (?, ?)", String.class,
                finishedSibling, paused)).hasSize(3).containsOnly("attempts_default");
        assertThat(get("/v1/deliveries/" + paused, as(key)).json().get("status").asText()).isEqualTo("PAUSED");
        assertThat(get("/v1/deliveries/" + finishedSibling + "/attempts", as(key)).json().get("data")).hasSize(2);

        // Once finished, it goes in DEFAULT's batched purge, with its deliveries and attempts.
        jdbc.update("UPDATE deliveries SET status = 'DEAD_LETTERED' WHERE id = ?", paused);
        assertThat(retention.purgeExpiredEvents().eventsFromDefault()).isGreaterThanOrEqualTo(1);
        assertThat(exists(unfinished)).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE event_id = ?", Integer.class, unfinished)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM attempts WHERE delivery_id IN (?, ?)", Integer.class,
                finishedSibling, paused)).isZero();
    }

    @Test
    void idempotencyKeysOlderThanTheirRetentionAreForgottenAndRecentOnesKept() {
        String old = "retention-old-" + UUID.randomUUID();
        String recent = "retention-recent-" + UUID.randomUUID();
        jdbc.update("INSERT INTO idempotency_keys (processor_name, message_id, created_at) VALUES ('test', ?, now() - interval '8 days')", old);
        jdbc.update("INSERT INTO idempotency_keys (processor_name, message_id) VALUES ('test', ?)", recent);

        retention.purgeIdempotencyKeys();

        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE message_id = ?", Integer.class, old)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE message_id = ?", Integer.class, recent)).isOne();
    }

    private UUID event(UUID tenant, Instant at) {
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO events (id, tenant_id, type, payload, body_hash, created_at) VALUES (?, ?, 'none.old', '{}', 'h', ?)",
                id, tenant, Timestamp.from(at));
        return id;
    }

    private UUID delivery(UUID event, UUID endpoint, UUID tenant, Instant at, String status) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, paused_reason, attempt_count, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 'PAUSED' THEN 'operator' END, 1, ?, ?)""",
                id, event, endpoint, tenant, status, status, Timestamp.from(at), Timestamp.from(at));
        return id;
    }

    private void attempt(UUID delivery, Instant eventCreatedAt) {
        jdbc.update("""
                INSERT INTO attempts (delivery_id, attempt_number, url, duration_ms, outcome, event_created_at)
                VALUES (?, 1, 'http://127.0.0.1:9/x', 1, 'RETRY_SCHEDULED', ?)""", delivery, Timestamp.from(eventCreatedAt));
    }

    private boolean exists(UUID eventId) {
        return jdbc.queryForObject("SELECT count(*) FROM events WHERE id = ?", Integer.class, eventId) == 1;
    }
}
