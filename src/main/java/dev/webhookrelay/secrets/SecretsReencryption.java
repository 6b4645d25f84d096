package dev.webhookrelay.secrets;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.webhookrelay.config.RelayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Moves every stored secret (signing secrets, static header values, endpoint auth) to the current
 * master key: values sealed under a previous key, and plain values written before sealing existed
 * (SQL cannot seal them: the key is not in the database, so a migration could not). Run by the reencrypt-secrets route every relay.secrets.reencrypt-interval, a
 * batch at a time in id order until the end of each table.
 *
 * <p>Each row is rewritten only if it still holds what was read (compare-and-set), so several relays,
 * or an API change in between, never lose a value. A value no configured key opens is left as it is,
 * counted, and named in the log by its key id.
 *
 * <p>Progress: relay_secrets_pending{table} (values not yet under the current key, counted after each
 * pass), relay_secrets_unreadable{table} and relay_secrets_reencrypted_total{table}.
 */
@Component("secretsReencryption")
public class SecretsReencryption {

    static final String SECRETS = "endpoint-secrets";
    static final String HEADERS = "endpoint-headers";
    static final String SOURCE_SECRETS = "source-secrets";
    /** The tables of one sealed secret per row: the metric's table tag, the table, its owner column, the context. */
    private static final List<SecretTable> SECRET_TABLES = List.of(
            new SecretTable(SECRETS, "endpoint_secrets", "endpoint_id", SecretContexts::signingSecret),
            new SecretTable(SOURCE_SECRETS, "source_secrets", "source_id", SecretContexts::sourceSecret));
    static final String AUTH = "endpoint-auth";
    private static final Logger LOG = LoggerFactory.getLogger(SecretsReencryption.class);

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final SealedHeaders sealedHeaders;
    private final int batchSize;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unreadable = new ConcurrentHashMap<>();
    private final Map<String, Counter> reencrypted = new ConcurrentHashMap<>();

    public SecretsReencryption(JdbcTemplate jdbc, SecretCipher cipher, SealedHeaders sealedHeaders,
            RelayProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.sealedHeaders = sealedHeaders;
        this.batchSize = properties.secrets().reencryptBatchSize();
        this.registry = registry;
        for (String table : List.of(SECRETS, HEADERS, SOURCE_SECRETS, AUTH)) {
            pending.put(table, gauge("relay.secrets.pending", table,
                    "Stored secrets and header values not yet sealed under the current master key"));
            unreadable.put(table, gauge("relay.secrets.unreadable", table,
                    "Stored secrets and header values that no configured master key opens"));
            reencrypted.put(table, Counter.builder("relay.secrets.reencrypted").tag("table", table)
                    .description("Stored secrets and header values re-sealed under the current master key").register(registry));
        }
    }

    /** One pass over every table. */
    public void run() {
        SECRET_TABLES.forEach(this::reencryptSecrets);
        reencryptHeaders();
        reencryptAuth();
        String prefix = cipher.currentPrefix() + "%";
        for (SecretTable table : SECRET_TABLES) {
            pending.get(table.tag()).set(count("SELECT count(*) FROM " + table.name() + " WHERE secret NOT LIKE ?", prefix));
        }
        pending.get(AUTH).set(count("SELECT count(*) FROM endpoints WHERE auth IS NOT NULL AND auth NOT LIKE ?", prefix));
        pending.get(HEADERS).set(count("""
                SELECT count(*) FROM endpoints p, jsonb_each(p.headers) h
                 WHERE jsonb_typeof(p.headers) = 'object'
                   AND (jsonb_typeof(h.value) <> 'object' OR coalesce(h.value ->> 'sealed', '') NOT LIKE ?)""", prefix));
    }

    private void reencryptSecrets(SecretTable table) {
        String prefix = cipher.currentPrefix() + "%";
        UUID after = new UUID(0, 0);
        long failed = 0;
        while (true) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, " + table.owner() + " AS owner, secret FROM "
                    + table.name() + " WHERE id > ? AND secret NOT LIKE ? ORDER BY id LIMIT ?", after, prefix, batchSize);
            for (Map<String, Object> row : rows) {
                UUID id = (UUID) row.get("id");
                String stored = (String) row.get("secret");
                String context = table.context().apply((UUID) row.get("owner"));
                try {
                    String resealed = cipher.seal(cipher.reveal(stored, context), context);
                    if (jdbc.update("UPDATE " + table.name() + " SET secret = ? WHERE id = ? AND secret = ?",
                            resealed, id, stored) == 1) {
                        reencrypted.get(table.tag()).increment();
                    }
                } catch (UnreadableSecretException e) {
                    failed++;
                    LOG.warn("Secret {} of {} {} cannot be re-encrypted: {}", id, table.owner(), row.get("owner"), e.getMessage());
                }
                after = id;
            }
            if (rows.size() < batchSize) {
                break;
            }
        }
        unreadable.get(table.tag()).set(failed);
    }

    private void reencryptHeaders() {
        String prefix = cipher.currentPrefix() + "%";
        UUID after = new UUID(0, 0);
        long failed = 0;
        while (true) {
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT id, headers::text AS headers FROM endpoints p
                     WHERE id > ? AND jsonb_typeof(p.headers) = 'object'
                       AND EXISTS (SELECT 1 FROM jsonb_each(p.headers) h
                                    WHERE jsonb_typeof(h.value) <> 'object'
                                       OR coalesce(h.value ->> 'sealed', '') NOT LIKE ?)
                     ORDER BY id LIMIT ?""", after, prefix, batchSize);
            for (Map<String, Object> row : rows) {
                UUID id = (UUID) row.get("id");
                String stored = (String) row.get("headers");
                try {
                    String resealed = sealedHeaders.resealed(id, stored);
                    if (resealed != null && jdbc.update("UPDATE endpoints SET headers = ?::jsonb WHERE id = ? AND headers = ?::jsonb",
                            resealed, id, stored) == 1) {
                        reencrypted.get(HEADERS).increment();
                    }
                } catch (UnreadableSecretException e) {
                    failed++;
                    LOG.warn("Static headers of endpoint {} cannot be re-encrypted: {}", id, e.getMessage());
                }
                after = id;
            }
            if (rows.size() < batchSize) {
                break;
            }
        }
        unreadable.get(HEADERS).set(failed);
    }

    /** An endpoint's auth is one sealed value (endpointauth.EndpointAuths), like a signing secret. */
    private void reencryptAuth() {
        String prefix = cipher.currentPrefix() + "%";
        UUID after = new UUID(0, 0);
        long failed = 0;
        while (true) {
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT id, auth FROM endpoints
                     WHERE id > ? AND auth IS NOT NULL AND auth NOT LIKE ? ORDER BY id LIMIT ?""", after, prefix, batchSize);
            for (Map<String, Object> row : rows) {
                UUID id = (UUID) row.get("id");
                String stored = (String) row.get("auth");
                String context = SecretContexts.endpointAuth(id);
                try {
                    String resealed = cipher.seal(cipher.reveal(stored, context), context);
                    if (jdbc.update("UPDATE endpoints SET auth = ? WHERE id = ? AND auth = ?", resealed, id, stored) == 1) {
                        reencrypted.get(AUTH).increment();
                    }
                } catch (UnreadableSecretException e) {
                    failed++;
                    LOG.warn("Auth of endpoint {} cannot be re-encrypted: {}", id, e.getMessage());
                }
                after = id;
            }
            if (rows.size() < batchSize) {
                break;
            }
        }
        unreadable.get(AUTH).set(failed);
    }

    private long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    private AtomicLong gauge(String name, String table, String description) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get).tag("table", table).description(description).register(registry);
        return value;
    }

    private record SecretTable(String tag, String name, String owner, Function<UUID, String> context) {
    }
}
