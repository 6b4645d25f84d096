package dev.webhookrelay.auth;

import java.time.Duration;
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
 * looked up only while the client address has attempts left ({@link AuthenticationAttempts}).
 * Valid keys are cached for a short TTL, so the hot ingest path does not pay a query per request and a
 * revoked key stops working within that TTL. Unknown keys are not cached: random keys would
 * otherwise evict the valid ones.
 */
@Component("apiKeyAuthenticator")
public class ApiKeyAuthenticator {

    public static final String TENANT_ID = "relayTenantId";

    private final JdbcTemplate jdbc;
    private final AuthenticationAttempts attempts;
    private final Cache<String, UUID> tenantsByKeyHash;
    /**
     * Keys seen valid within a day are looked up again (revocation still counts) without taking from
     * the address's budget: behind a shared proxy address, an attacker's failures must not lock
     * tenants out once their cached lookup expires. A guessed key is never in here.
     */
    private final Cache<String, Boolean> recentlyValid = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofDays(1))
            .build();

    public ApiKeyAuthenticator(JdbcTemplate jdbc, AuthenticationAttempts attempts, RelayProperties properties) {
        this.jdbc = jdbc;
        this.attempts = attempts;
        this.tenantsByKeyHash = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.ingest().apiKeyCacheTtl())
                .build();
    }

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
        UUID tenant = tenantsByKeyHash.getIfPresent(keyHash);
        if (tenant == null) {
            boolean vouchedFor = recentlyValid.getIfPresent(keyHash) != null;
            if (!vouchedFor) {
                attempts.take(client);
            }
            tenant = lookup(keyHash);
            if (tenant == null) {
                recentlyValid.invalidate(keyHash);
                throw ProblemException.unauthorized("Invalid API key");
            }
            if (!vouchedFor) {
                attempts.giveBack(client);
            }
            tenantsByKeyHash.put(keyHash, tenant);
            recentlyValid.put(keyHash, Boolean.TRUE);
        }
        exchange.setProperty(TENANT_ID, tenant);
    }

    /** The tenant that {@link #authenticate} established for this exchange. */
    public static UUID tenantOf(Exchange exchange) {
        return exchange.getProperty(TENANT_ID, UUID.class);
    }

    private UUID lookup(String keyHash) {
        return jdbc.query("SELECT tenant_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                (rs, n) -> rs.getObject(1, UUID.class), keyHash).stream().findFirst().orElse(null);
    }
}
