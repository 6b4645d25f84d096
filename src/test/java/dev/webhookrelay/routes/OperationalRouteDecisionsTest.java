package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;

import dev.webhookrelay.api.Upserted;
import dev.webhookrelay.support.FastRouteTest;
import org.junit.jupiter.api.Test;

/**
 * routes/operational.camel.yaml: registering the operational webhook answers 201 with its secret (200
 * when it existed, as the bean says), a bad URL is a problem naming the field, removing it answers 204.
 */
class OperationalRouteDecisionsTest extends FastRouteTest {

    @Test
    void aNewOperationalWebhookIsAnswered201WithItsSecretAndAChangedOne200() throws Exception {
        when(operationalWebhookAdmin.put(any(), any(), any()))
                .thenReturn(new Upserted(Map.of("url", "https://ops.example.com/", "secret", "whsec_once"), true))
                .thenReturn(new Upserted(Map.of("url", "https://ops.example.com/moved"), false));

        Answer created = call("put-operational-webhook", "{\"url\":\"https://ops.example.com/\"}", Map.of());
        Answer changed = call("put-operational-webhook", "{\"url\":\"https://ops.example.com/moved\"}", Map.of());

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("secret").asText()).isEqualTo("whsec_once");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().has("secret")).isFalse();
    }

    @Test
    void aRefusedUrlIsAnswered422NamingTheField() throws Exception {
        when(operationalWebhookAdmin.put(any(), any(), any()))
                .thenThrow(problem(422, "url points to a refused address", "url"));

        Answer answer = call("put-operational-webhook", "{\"url\":\"http://10.0.0.1/\"}", Map.of());

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("url");
    }

    @Test
    void aRemovedOperationalWebhookIsAnswered204WithoutABody() throws Exception {
        Answer answer = call("delete-operational-webhook");

        verify(operationalWebhookAdmin).delete(any(), any());
        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.text()).isEmpty();
    }
}
