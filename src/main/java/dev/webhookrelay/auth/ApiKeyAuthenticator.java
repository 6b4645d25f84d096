package dev.webhookrelay.auth;

import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.problem.ProblemException;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Resolves the tenant of a request from {@code Authorization: Bearer <key>} or {@code X-API-Key}.
 * Lookups are cached for a short TTL: the hot ingest path must not pay a query per request, and a
 * revoked key stops working within that TTL.
 */
@Component("apiKeyAuthenticator")
public class ApiKeyAuthenticator {

    public static final String TENANT_ID = "relayTenantId";

    private final JdbcTemplate jdbc;
    private final Cache<String, Optional<UUID>> tenantsByKeyHash;

    public ApiKeyAuthenticator(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        this.tenantsByKeyHash = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(properties.ingest().apiKeyCacheTtl())
                .build();
    }

    public void authenticate(Exchange exchange) {
        String key = presentedKey(exchange);
        if (key == null) {
            throw ProblemException.unauthorized("Missing API key: send Authorization: Bearer <key> or X-API-Key");
        }
        UUID tenant = tenantsByKeyHash.get(ApiKeys.hash(key), this::lookup)
                .orElseThrow(() -> ProblemException.unauthorized("Invalid API key"));
        exchange.setProperty(TENANT_ID, tenant);
    }

    /** The tenant that {@link #authenticate} established for this exchange. */
    public static UUID tenantOf(Exchange exchange) {
        return exchange.getProperty(TENANT_ID, UUID.class);
    }

    static String presentedKey(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        String apiKey = exchange.getMessage().getHeader("X-API-Key", String.class);
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private Optional<UUID> lookup(String keyHash) {
        return jdbc.query("SELECT tenant_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                (rs, n) -> rs.getObject(1, UUID.class), keyHash).stream().findFirst();
    }
}
