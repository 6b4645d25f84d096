package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.FastRouteTest;
import org.junit.jupiter.api.Test;

/**
 * routes/admin.camel.yaml: each route calls its bean and answers through respond-created,
 * respond-json or respond-no-content; a refusal of the bean is answered as a problem instead.
 */
class AdminRouteDecisionsTest extends FastRouteTest {

    @Test
    void aCreatedTenantIsAnswered201WithItsOneTimeApiKeyAsJson() throws Exception {
        when(tenantAdmin.create(any(), any())).thenReturn(Map.of("name", "acme", "apiKey", "rk_once"));

        Answer answer = call("create-tenant", "{\"name\":\"acme\"}", Map.of("Content-Type", "application/json"));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("apiKey").asText()).isEqualTo("rk_once");
    }

    @Test
    void aCreatedEndpointIsAnswered201WithItsSigningSecret() throws Exception {
        when(endpointAdmin.create(any(), any(), any()))
                .thenReturn(Map.of("id", UUID.randomUUID().toString(), "secret", "whsec_x"));

        Answer answer = call("create-endpoint", "{\"url\":\"https://example.com/hook\"}", Map.of());

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("secret").asText()).isEqualTo("whsec_x");
        verify(endpointAdmin).create(any(), any(), any());
    }

    @Test
    void anEndpointTheBeanCannotFindIsAnswered404AsAProblemNotAsJson() throws Exception {
        when(endpointAdmin.get(any(), any())).thenThrow(problem(404, "No endpoint 42", null));

        Answer answer = call("get-endpoint");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("detail").asText()).isEqualTo("No endpoint 42");
    }

    @Test
    void anInvalidUpdateIsAnswered422NamingTheField() throws Exception {
        when(endpointAdmin.update(any(), any(), any(), any()))
                .thenThrow(problem(422, "rateLimit must be positive", "rateLimit"));

        Answer answer = call("update-endpoint", "{\"rateLimit\":-1}", Map.of());

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("field").asText()).isEqualTo("rateLimit");
    }

    @Test
    void aDeletedEndpointIsAnswered204WithoutABody() throws Exception {
        Answer answer = call("delete-endpoint");

        verify(endpointAdmin).delete(any(), any(), any());
        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.text()).isEmpty();
    }

    @Test
    void aReadIsAnswered200AsJson() throws Exception {
        when(eventQueries.get(any(), any())).thenReturn(Map.of("type", "order.created"));

        Answer answer = call("get-event");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("type").asText()).isEqualTo("order.created");
    }

    @Test
    void anAnswerEchoesNoneOfTheRequestsHeaders() throws Exception {
        when(deliveryQueries.list(any(), any())).thenReturn(Map.of("items", List.of()));

        Answer answer = call("list-deliveries", null, Map.of("Authorization", "Bearer rk_secret", "X-Trace", "t-1"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).doesNotContainKeys("Authorization", "X-Trace");
    }
}
