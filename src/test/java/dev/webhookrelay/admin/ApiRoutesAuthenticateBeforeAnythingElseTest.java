package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The tenant-api and admin-api route configurations check the caller before the route's first step:
 * a refused caller learns nothing about its input and changes nothing, and is answered as a problem.
 */
class ApiRoutesAuthenticateBeforeAnythingElseTest extends RelayIntegrationTest {

    private static final Map<String, String> JSON_ONLY = Map.of("Content-Type", "application/json");

    @Test
    void theAdminApiRefusesACallerWithoutTheAdminTokenBeforeReadingTheRequest() {
        Integer tenantsBefore = jdbc.queryForObject("SELECT count(*) FROM tenants", Integer.class);

        Response anonymous = post("/v1/admin/tenants", "{\"name\":\"anonymous\"}", JSON_ONLY);
        Response unreadable = post("/v1/admin/tenants", "{not json", JSON_ONLY);
        Response tenantKey = post("/v1/admin/tenants", "{\"name\":\"by-a-tenant\"}", as(createTenant("not-an-admin")));

        for (Response refused : new Response[] {anonymous, unreadable, tenantKey}) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tenants", Integer.class)).isEqualTo(tenantsBefore + 1);
    }

    @Test
    void theTenantApiRefusesACallerWithoutAKeyBeforeReadingTheRequest() {
        Response unreadableEvent = post("/v1/events", "{not json", JSON_ONLY);
        Response unreadableEndpoint = post("/v1/endpoints", "{not json", JSON_ONLY);
        Response withTheAdminToken = get("/v1/endpoints", Map.of("Authorization", "Bearer " + ADMIN_TOKEN));

        for (Response refused : new Response[] {unreadableEvent, unreadableEndpoint, withTheAdminToken}) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
    }
}
