package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.support.FastRouteTest;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * routes/api.camel.yaml: the tenant-api and admin-api route configurations check the caller before a
 * route's first step, and answer any failure of a route as application/problem+json.
 */
class ApiRouteConfigurationsTest extends FastRouteTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void aRefusedApiKeyStopsEveryTenantApiRouteBeforeItsFirstStep() throws Exception {
        doThrow(problem(401, "Invalid API key", null)).when(apiKeyAuthenticator).authenticate(any());
        doThrow(problem(401, "Invalid API key", null)).when(apiKeyAuthenticator).authenticateFullScope(any());
        List<String> tenantRoutes = new ArrayList<>(routesOf("tenant-api"));
        tenantRoutes.addAll(routesOf("ingest-api"));

        SoftAssertions softly = new SoftAssertions();
        for (String routeId : tenantRoutes) {
            Answer answer = call(routeId, "{\"name\":\"x\"}", Map.of("Idempotency-Key", "k"));
            softly.assertThat(answer.status()).as(routeId).isEqualTo(401);
            softly.assertThat(answer.contentType()).as(routeId).isEqualTo(PROBLEM_JSON);
        }
        softly.assertAll();

        assertThat(tenantRoutes).contains("ingest-event", "create-endpoint", "list-deliveries", "replay-delivery",
                "put-operational-webhook", "delete-operational-webhook")
                .hasSizeGreaterThanOrEqualTo(16);
        verifyNoInteractions(adminTokenGuard, ingestRateLimiter, ingestRequestParser, eventStore, storedIdempotentAnswer,
                acceptedEventResponder, workMessages, workPublisher, endpointAdmin, eventQueries,
                deliveryQueries, replayService, operationalWebhookAdmin);
        assertThat(transactions.commits() + transactions.rollbacks()).isZero();
    }

    @Test
    void aRefusedAdminTokenStopsTheAdminApiBeforeItsFirstStep() throws Exception {
        doThrow(problem(401, "Admin token required", null)).when(adminTokenGuard).authorize(any());

        Answer answer = call("create-tenant", "{\"name\":\"acme\"}", Map.of());

        assertThat(routesOf("admin-api")).containsExactly("create-tenant");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(answer.json().get("detail").asText()).isEqualTo("Admin token required");
        verifyNoInteractions(tenantAdmin);
    }

    @Test
    void theAdminApiAsksForTheAdminTokenAndNeverForAnApiKey() throws Exception {
        when(tenantAdmin.create(any(), any())).thenReturn(Map.of("name", "acme"));

        call("create-tenant", "{\"name\":\"acme\"}", Map.of());

        verify(adminTokenGuard).authorize(any());
        verifyNoInteractions(apiKeyAuthenticator);
    }

    @Test
    void theTenantApiAsksForAnApiKeyAndNeverForTheAdminToken() throws Exception {
        call("list-endpoints");

        verify(apiKeyAuthenticator).authenticateFullScope(any());
        verifyNoInteractions(adminTokenGuard);
    }

    @Test
    void aProblemThrownByARouteIsAnsweredWithItsStatusAndTheFieldAtFault() throws Exception {
        when(endpointAdmin.create(any(), any(), any())).thenThrow(problem(422, "url must be an https URL", "url"));

        Answer answer = call("create-endpoint", "{\"url\":\"ftp://x\"}", Map.of());

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(answer.json().get("status").asInt()).isEqualTo(422);
        assertThat(answer.json().get("field").asText()).isEqualTo("url");
        assertThat(answer.json().get("detail").asText()).isEqualTo("url must be an https URL");
    }

    @Test
    void anUnexpectedFailureIsAnswered500WithoutItsInternals() throws Exception {
        when(eventQueries.list(any(), any())).thenThrow(new IllegalStateException("column secret_hash is missing"));

        Answer answer = call("list-events");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(answer.text()).doesNotContain("secret_hash");
    }

    @Test
    void aLostDatabaseIsAnswered503WithRetryAfter() throws Exception {
        when(deliveryQueries.get(any(), any())).thenThrow(databaseUnavailable());

        Answer answer = call("get-delivery");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.contentType()).isEqualTo(PROBLEM_JSON);
        assertThat(answer.headers()).containsKey("Retry-After");
    }

    @Test
    void aProblemAnswerEchoesNoneOfTheRequestsHeaders() throws Exception {
        when(deliveryQueries.attempts(any(), any(), any())).thenThrow(problem(404, "No delivery", null));

        Answer answer = call("list-delivery-attempts", null, Map.of("Authorization", "Bearer rk_secret",
                "X-Forwarded-For", "10.0.0.1"));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.headers()).doesNotContainKeys("Authorization", "X-Forwarded-For");
    }

    private List<String> routesOf(String routeConfigurationId) {
        return ((ModelCamelContext) camel).getRouteDefinitions().stream()
                .filter(route -> routeConfigurationId.equals(route.getRouteConfigurationId()))
                .map(RouteDefinition::getRouteId)
                .sorted()
                .toList();
    }
}
