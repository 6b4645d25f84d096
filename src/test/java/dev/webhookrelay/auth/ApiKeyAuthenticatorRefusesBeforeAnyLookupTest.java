package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.mock.web.MockHttpServletRequest;

class ApiKeyAuthenticatorRefusesBeforeAnyLookupTest {

    private static final UUID TENANT = UUID.randomUUID();
    private static final String VALID = ApiKeys.generate();

    /** The api_keys table: one valid key; counts the lookups that reach it. */
    private final KeyTable keys = new KeyTable(ApiKeys.hash(VALID));
    private final RelayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "relay.auth.failed-attempts-per-minute", "3",
            "relay.ingest.api-key-cache-ttl", "30s"))).bind("relay", RelayProperties.class).get();
    private final ApiKeyAuthenticator authenticator =
            new ApiKeyAuthenticator(keys, new AuthenticationAttempts(properties), new ApiKeyLastUse(keys), properties);

    @ParameterizedTest
    @ValueSource(strings = {"rk_not-a-key", "rk_", "whsec_abc", "adm_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "rk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!", "rk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
            "' OR 1=1 --"})
    void aKeyTheRelayCannotHaveMintedIsRefusedWithoutAQuery(String key) {
        assertThat(problemFor(bearer(key, "10.0.0.1")).status()).isEqualTo(401);
        assertThat(keys.lookups.get()).isZero();
    }

    @Test
    void aHugeHeaderIsRefusedWithoutAQuery() {
        assertThat(problemFor(bearer("rk_" + "a".repeat(10_000), "10.0.0.1")).status()).isEqualTo(401);
        assertThat(keys.lookups.get()).isZero();
    }

    @Test
    void aKeyInCamelHeadersOnlyIsNotAKey() {
        // platform-http copies ?X-API-Key=... into the message headers; the HTTP request has no such header.
        Exchange exchange = bearer(null, "10.0.0.1");
        exchange.getMessage().setHeader("X-API-Key", VALID);
        exchange.getMessage().setHeader("Authorization", "Bearer " + VALID);

        assertThat(problemFor(exchange).getMessage()).startsWith("Missing API key");
        assertThat(keys.lookups.get()).isZero();
    }

    @Test
    void theValidKeyAuthenticatesFromEitherHeaderAndIsLookedUpOnce() {
        Exchange bearer = bearer(VALID, "10.0.0.1");
        authenticator.authenticate(bearer);
        Exchange xApiKey = exchange(request("10.0.0.1", "X-API-Key", VALID));
        authenticator.authenticate(xApiKey);

        assertThat(bearer.getProperty(ApiKeyAuthenticator.TENANT_ID)).isEqualTo(TENANT);
        assertThat(xApiKey.getProperty(ApiKeyAuthenticator.TENANT_ID)).isEqualTo(TENANT);
        assertThat(keys.lookups.get()).isEqualTo(1);
    }

    @Test
    void failuresBeyondTheLimitAre429WhileOtherAddressesAndValidKeysPass() {
        authenticator.authenticate(bearer(VALID, "10.0.0.9"));
        for (int i = 0; i < 3; i++) {
            assertThat(problemFor(bearer(ApiKeys.generate(), "10.0.0.1")).status()).isEqualTo(401);
        }
        int lookupsBefore = keys.lookups.get();

        ProblemException refused = problemFor(bearer(ApiKeys.generate(), "10.0.0.1"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter()).isPositive();
        assertThat(problemFor(bearer("rk_malformed", "10.0.0.1")).status()).isEqualTo(429);
        // Only a key that could be valid is looked up: it is one lookup by the key's hash.
        assertThat(keys.lookups.get()).isEqualTo(lookupsBefore + 1);

        authenticator.authenticate(bearer(VALID, "10.0.0.1"));
        assertThat(problemFor(bearer(ApiKeys.generate(), "10.0.0.2")).status()).isEqualTo(401);
    }

    @Test
    void successfulLookupsDoNotUseTheBudget() {
        AuthenticationAttempts shared = new AuthenticationAttempts(properties);
        ApiKeyAuthenticator uncached = new ApiKeyAuthenticator(keys, shared, new ApiKeyLastUse(keys), properties);
        for (int i = 0; i < 10; i++) {
            uncached.authenticate(bearer(VALID, "10.0.0.1"));
            uncached = new ApiKeyAuthenticator(keys, shared, new ApiKeyLastUse(keys), properties);
        }
        assertThat(problemFor(bearer(ApiKeys.generate(), "10.0.0.1")).status()).isEqualTo(401);
    }

    /**
     * Others' failures from the same address (a proxy without forwarded headers, a NAT) never lock a
     * valid key out, even one never used before, or one this instance has not seen since it started.
     */
    @Test
    void aValidKeyNeverSeenBeforeIsAcceptedFromAnExhaustedAddressButARevokedOneIsNot() {
        RelayProperties noCache = new Binder(new MapConfigurationPropertySource(Map.of(
                "relay.auth.failed-attempts-per-minute", "3",
                "relay.ingest.api-key-cache-ttl", "0s"))).bind("relay", RelayProperties.class).get();
        KeyTable table = new KeyTable(ApiKeys.hash(VALID));
        ApiKeyAuthenticator uncached = new ApiKeyAuthenticator(table, new AuthenticationAttempts(noCache), new ApiKeyLastUse(table), noCache);
        for (int i = 0; i < 3; i++) {
            assertThat(problemFor(uncached, bearer(ApiKeys.generate(), "10.0.0.1")).status()).isEqualTo(401);
        }
        assertThat(problemFor(uncached, bearer(ApiKeys.generate(), "10.0.0.1")).status()).isEqualTo(429);

        Exchange first = bearer(VALID, "10.0.0.1");
        uncached.authenticate(first);
        uncached.authenticate(bearer(VALID, "10.0.0.1"));
        assertThat(first.getProperty(ApiKeyAuthenticator.TENANT_ID)).isEqualTo(TENANT);
        assertThat(table.lookups.get()).isEqualTo(6);

        table.revoke();
        assertThat(problemFor(uncached, bearer(VALID, "10.0.0.1")).status()).isEqualTo(429);
        assertThat(problemFor(uncached, bearer(VALID, "10.0.0.9")).status()).isEqualTo(401);
    }

    private ProblemException problemFor(Exchange exchange) {
        return problemFor(authenticator, exchange);
    }

    private static ProblemException problemFor(ApiKeyAuthenticator authenticator, Exchange exchange) {
        Throwable thrown = catchThrowable(() -> authenticator.authenticate(exchange));
        assertThat(thrown).isInstanceOf(ProblemException.class);
        return (ProblemException) thrown;
    }

    private static Exchange bearer(String key, String clientAddress) {
        return exchange(key == null ? request(clientAddress, null, null)
                : request(clientAddress, "Authorization", "Bearer " + key));
    }

    private static MockHttpServletRequest request(String clientAddress, String header, String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/events");
        request.setRemoteAddr(clientAddress);
        if (header != null) {
            request.addHeader(header, value);
        }
        return request;
    }

    private static Exchange exchange(MockHttpServletRequest request) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_SERVLET_REQUEST, request);
        return exchange;
    }

    private static final class KeyTable extends JdbcTemplate {

        private String validHash;
        private final AtomicInteger lookups = new AtomicInteger();

        KeyTable(String validHash) {
            this.validHash = validHash;
        }

        void revoke() {
            validHash = null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
            lookups.incrementAndGet();
            return args[0].equals(validHash)
                    ? List.of((T) new ApiKeyGrant(UUID.randomUUID(), TENANT, ApiKeyScope.FULL, null)) : List.of();
        }
    }
}
