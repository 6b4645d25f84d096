package dev.webhookrelay.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestDatabase;
import dev.webhookrelay.support.TestServices;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An installation with history at V49 upgrades to the partitioned tables (V51): every row of events,
 * deliveries and attempts reads the same afterwards, each is in its day's partition, and the API
 * answers as before. The database is migrated to V49 and filled before this class's relay starts
 * (its Flyway then runs the rest); its own vhost keeps the other contexts' consumers off its rows.
 */
class HistoryUpgradeKeepsEveryRowTest extends RelayIntegrationTest {

    private static final String OWN_VHOST = TestServices.VHOST + "-upgrade";
    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID ENDPOINT = UUID.randomUUID();
    private static final List<String> TABLES = List.of("events", "deliveries", "attempts");
    private static final Map<String, List<String>> BEFORE = new HashMap<>();
    private static List<String> eventsNewestFirst;
    private static String database;

    @DynamicPropertySource
    static void ownDatabaseAtV49WithHistory(DynamicPropertyRegistry registry) {
        TestServices.ownVhost("upgrade");
        database = TestServices.ownDatabase(5432, "upgrade");
        Flyway.configure().dataSource(database, TestServices.DB_USER, TestServices.DB_PASSWORD)
                .locations("classpath:db/migration").target("49").load().migrate();
        seedHistory();
        registry.add("spring.rabbitmq.addresses", () -> "amqp://" + TestServices.HOST + ":" + RABBITMQ.port() + "/" + OWN_VHOST);
        registry.add("spring.datasource.hikari.jdbc-url", () -> database.replace(":5432/", ":" + POSTGRES.port() + "/"));
    }

    /**
     * Three days of history, up to today, of a tenant whose only endpoint is disabled (so nothing of
     * it is attempted while the test reads): each event has a delivered delivery with two attempts
     * and a dead-lettered or paused one with one.
     */
    private static void seedHistory() {
        execute("INSERT INTO tenants (id, name) VALUES ('" + TENANT + "', 'upgrade')");
        execute("INSERT INTO endpoints (id, tenant_id, url, enabled) VALUES ('" + ENDPOINT + "', '" + TENANT
                + "', 'http://127.0.0.1:9/x', false)");
        execute("""
                INSERT INTO events (id, tenant_id, type, payload, idempotency_key, body_hash, created_at, trace_parent)
                SELECT gen_random_uuid(), '%s', 'upgrade.' || g, jsonb_build_object('n', g),
                       CASE WHEN g %% 3 = 0 THEN 'key-' || g END, md5(g::text),
                       date_trunc('day', now()) - interval '2 days' + g * interval '53 minutes', NULL
                  FROM generate_series(0, 59) g""".formatted(TENANT));
        execute("""
                INSERT INTO deliveries (id, event_id, endpoint_id, tenant_id, status, attempt_count, last_status, last_error,
                                        created_at, updated_at, budget_attempts, paused_reason)
                SELECT gen_random_uuid(), e.id, '%s', e.tenant_id, s.status, s.n, s.last_status, s.last_error,
                       e.created_at, e.created_at + interval '1 minute', s.n, s.paused_reason
                  FROM events e CROSS JOIN (VALUES ('DELIVERED', 2, 200, NULL, NULL),
                                                   ('DEAD_LETTERED', 1, 500, 'HTTP 500', NULL),
                                                   ('PAUSED', 1, 503, 'HTTP 503', 'operator')) AS s(status, n, last_status, last_error, paused_reason)
                 WHERE s.status = 'DELIVERED' OR (s.status = 'PAUSED') = (extract(minute FROM e.created_at)::int %% 2 = 0)""".formatted(ENDPOINT));
        execute("""
                INSERT INTO attempts (delivery_id, attempt_number, url, request_headers, response_status, duration_ms, outcome, created_at)
                SELECT d.id, a, 'http://127.0.0.1:9/x', '{"webhook-id": "x"}', d.last_status, 10 * a, d.status,
                       d.created_at + a * interval '1 second'
                  FROM deliveries d CROSS JOIN generate_series(1, 2) a WHERE a <= d.attempt_count""");
        for (String table : TABLES) {
            BEFORE.put(table, rows(table, "to_jsonb(t)"));
        }
        eventsNewestFirst = TestDatabase.rows(database, "SELECT id::text FROM events ORDER BY created_at DESC, id DESC");
    }

    @Test
    void everyRowReadsTheSameInItsDaysPartitionAndTheApiAnswersAsBefore() {
        for (String table : TABLES) {
            assertThat(TestDatabase.rows(database, "SELECT relkind::text FROM pg_class WHERE relname = '" + table + "'"))
                    .as(table).containsExactly("p");
            // Rows as JSON, without the columns added since (V51's event_created_at, V54's unfinished_claims):
            // the same, row for row.
            assertThat(rows(table, "to_jsonb(t) - 'event_created_at' - 'unfinished_claims'")).as(table)
                    .isEqualTo(BEFORE.get(table));
            assertThat(TestDatabase.count(database, "SELECT count(*) FROM " + table + "_default")).as(table + " in DEFAULT").isZero();
        }
        assertThat(TestDatabase.count(database, "SELECT count(DISTINCT tableoid) FROM events")).isEqualTo(3);
        assertThat(TestDatabase.count(database, """
                SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                 WHERE a.event_created_at <> d.created_at""")).isZero();

        String key = post("/v1/admin/tenants/" + TENANT + "/api-keys", "{\"name\":\"after upgrade\"}",
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json")).json().get("apiKey").asText();
        assertThat(eventIdsPaged(key, 7)).containsExactlyElementsOf(eventsNewestFirst);

        String oldest = eventsNewestFirst.get(eventsNewestFirst.size() - 1);
        JsonNode event = get("/v1/events/" + oldest, as(key)).json();
        assertThat(event.get("type").asText()).isEqualTo("upgrade.0");
        assertThat(event.get("deliveries")).hasSize(2);
        String delivered = TestDatabase.rows(database,
                "SELECT id::text FROM deliveries WHERE event_id = '" + oldest + "' AND status = 'DELIVERED'").get(0);
        JsonNode attempts = get("/v1/deliveries/" + delivered + "/attempts", as(key)).json().get("data");
        assertThat(attempts).hasSize(2);
        assertThat(get("/v1/deliveries/" + delivered, as(key)).json().get("status").asText()).isEqualTo("DELIVERED");
    }

    private static List<String> rows(String table, String json) {
        return TestDatabase.rows(database, "SELECT (" + json + ")::text FROM " + table + " t ORDER BY id");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(database, TestServices.DB_USER, TestServices.DB_PASSWORD)) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
