package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.support.RawHttp;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A client that shares its address with an attacker (a proxy without forwarded headers, a NAT) is
 * not locked out by the attacker's failures: from an address with no attempts left, a tenant's key
 * never used before and the admin token are accepted, while wrong ones are 429. The address's
 * budget is used up through the bean just before each request: at the suite's 1,000 a minute a
 * token comes back every 60 ms, so the last refusal of a flood would not prove that the next
 * request met an empty bucket.
 */
class ValidCredentialsPassFromAnAddressOutOfAttemptsTest extends RelayIntegrationTest {

    private static final String SHARED = "127.0.0.9";
    private static final String EVENT = "{\"type\":\"a\",\"payload\":{}}";

    @Autowired
    AuthenticationAttempts attempts;

    @Test
    void aNeverUsedTenantKeyAndTheAdminTokenPassWhileWrongOnesAre429() {
        String neverUsed = createTenant("behind-the-attackers-nat");

        useUp(SHARED);
        assertThat(postFrom(SHARED, "/v1/events", neverUsed, EVENT).status()).isEqualTo(202);
        useUp(SHARED);
        assertThat(postFrom(SHARED, "/v1/admin/tenants", ADMIN_TOKEN, "{\"name\":\"created-behind-the-nat\"}").status())
                .isEqualTo(201);

        assertRefusedOnceUsedUp("/v1/events", ApiKeys.generate(), EVENT);
        assertRefusedOnceUsedUp("/v1/admin/tenants", "not-the-admin-token", "{\"name\":\"x\"}");
    }

    /** Wrong credentials meet the budget: 429 (a token that came back meanwhile makes one more 401). */
    private void assertRefusedOnceUsedUp(String path, String credential, String body) {
        Response answer = null;
        for (int tries = 0; tries < 20 && (answer == null || answer.status() == 401); tries++) {
            useUp(SHARED);
            answer = postFrom(SHARED, path, credential, body);
        }
        assertThat(answer.status()).as(path).isEqualTo(429);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Long.parseLong(answer.header("Retry-After"))).isBetween(1L, 60L);
    }

    private void useUp(String address) {
        while (true) {
            try {
                attempts.take(address);
            } catch (ProblemException none) {
                return;
            }
        }
    }

    private Response postFrom(String address, String path, String bearer, String body) {
        return RawHttp.sendFrom(address, port, new RawHttp.Request("POST", path.getBytes(StandardCharsets.US_ASCII),
                List.of(Map.entry("Authorization", ("Bearer " + bearer).getBytes(StandardCharsets.US_ASCII)),
                        Map.entry("Content-Type", "application/json".getBytes(StandardCharsets.US_ASCII))),
                body.getBytes(StandardCharsets.UTF_8), false));
    }
}
