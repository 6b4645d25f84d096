package dev.webhookrelay.auth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant of a request from its {@code Authorization: Bearer <key>} or {@code X-API-Key}
 * header. A key that cannot be one the relay minted is refused without a query; a well-formed one is
 * looked up by its hash (a unique index), and only a key not found counts against the client
 * address ({@link AuthenticationAttempts}, 429 past its budget): a valid key is accepted however
 * many failures others sent from its address, even at its first use. Valid keys are cached for
 * relay.ingest.api-key-cache-ttl, so the hot ingest path does not pay a query per request: a key
 * revoked on another instance stops working within that TTL (on this instance at once), and an
 * expired key at its expiry, which is checked on every request. Unknown keys are not cached: random
 * keys would otherwise evict the valid ones.
 */
@Component("apiKeyAuthenticator")
public class ApiKeyAuthenticator {

    public static final String TENANT_ID = "relayTenantId";
    private static final String SCOPE = "relayApiKeyScope";

    private final JdbcTemplate jdbc;
    private final AuthenticationAttempts attempts;
    private final ApiKeyLastUse lastUse;
    private final Clock clock = Clock.systemUTC();
    private final Cache<String, ApiKeyGrant> grantsByKeyHash;

    public ApiKeyAuthenticator(JdbcTemplate jdbc, AuthenticationAttempts attempts, ApiKeyLastUse lastUse,
            RelayProperties properties) {
        this.jdbc = jdbc;
        this.attempts = attempts;
        this.lastUse = lastUse;
        this.grantsByKeyHash = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.ingest().apiKeyCacheTtl())
                .build();
    }

    /** Any valid key: the ingest route, which ingest-scoped keys may call. */
    public void authenticate(Exchange exchange) {
        String key = HttpCaller.presentedKey(exchange);
        if (key == null) {
            throw ProblemException.unauthorized("Missing API key: send Authorization: Bearer <key> or X-API-Key");
        }
        String client = HttpCaller.address(exchange);
        if (!ApiKeys.isWellFormed(key)) {
            attempts.take(client);
            throw ProblemException.unauthorized("Invalid API key");
        }
        String keyHash = ApiKeys.hash(key);
        Instant now = clock.instant();
        ApiKeyGrant grant = grantsByKeyHash.getIfPresent(keyHash);
        if (grant != null && grant.expiredAt(now)) {
            grantsByKeyHash.invalidate(keyHash);
            throw ProblemException.unauthorized("API key expired");
        }
        if (grant == null) {
            grant = lookup(keyHash, now);
            if (grant == null) {
                attempts.take(client);
                throw ProblemException.unauthorized("Invalid API key");
            }
            grantsByKeyHash.put(keyHash, grant);
        }
        lastUse.note(grant.keyId(), now);
        exchange.setProperty(TENANT_ID, grant.tenantId());
        exchange.setProperty(SCOPE, grant.scope());
        Caller.identifyKey(exchange, grant.keyId());
    }

    /** A full-scope key: every tenant route but ingest. An ingest-scoped key is refused with 403. */
    public void authenticateFullScope(Exchange exchange) {
        authenticate(exchange);
        if (exchange.getProperty(SCOPE) != ApiKeyScope.FULL) {
            throw new ProblemException(403, "Forbidden",
                    "This API key's scope is ingest: it may only post events (POST /v1/events)", null);
        }
    }

    /** A revoked key stops working on this instance at once; other instances forget it within the cache TTL. */
    public void forget(UUID keyId) {
        grantsByKeyHash.asMap().values().removeIf(grant -> grant.keyId().equals(keyId));
    }

    private ApiKeyGrant lookup(String keyHash, Instant now) {
        return jdbc.query("""
                SELECT id, tenant_id, scope, expires_at FROM api_keys
                 WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)""",
                (rs, n) -> {
                    Timestamp expires = rs.getTimestamp("expires_at");
                    return new ApiKeyGrant(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                            ApiKeyScope.of(rs.getString("scope")), expires == null ? null : expires.toInstant());
                }, keyHash, Timestamp.from(now)).stream().findFirst().orElse(null);
    }
}
