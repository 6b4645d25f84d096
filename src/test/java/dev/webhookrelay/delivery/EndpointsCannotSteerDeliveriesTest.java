package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tenant's static headers never become Camel control headers: refused at registration, and ignored
 * at send time when a row holds them anyway (written before the rule, or straight into the database).
 */
class EndpointsCannotSteerDeliveriesTest extends RelayIntegrationTest {

    @Autowired
    private PlatformTransactionManager transactions;

    @ParameterizedTest
    @MethodSource("dev.webhookrelay.delivery.StaticHeadersTest#controlHeaders")
    void registrationRefusesEveryControlHeader(String name) {
        String key = createTenant("steer-register-" + UUID.randomUUID());

        Response created = post("/v1/endpoints",
                "{\"url\":\"http://127.0.0.1:9/a\",\"headers\":{\"" + name + "\":\"x\"}}", as(key));

        assertThat(created.status()).as(created.body()).isEqualTo(422);
        assertThat(created.header("Content-Type")).startsWith("application/problem+json");
        assertThat(created.json().get("field").asText()).isEqualTo("headers");
        assertThat(created.json().get("detail").asText()).contains(name);
    }

    @Test
    void controlHeadersWrittenStraightIntoTheDatabaseAreIgnoredWhenSending() throws Exception {
        try (TestReceiver registered = new TestReceiver(); TestReceiver elsewhere = new TestReceiver()) {
            String key = createTenant("steer-stored");
            String id = createEndpoint(key, registered.url(), "[]").get("id").asText();
            String hijack = elsewhere.url() + "?t={{relay.admin-token}}&db={{spring.datasource.password}}";
            jdbc.update("UPDATE endpoints SET headers = ?::jsonb WHERE id = ?::uuid", JSON.writeValueAsString(Map.of(
                    "CamelRestHttpUri", hijack, "camelhttpuri", hijack, "CamelHttpPath", "/stolen",
                    "CAMELHTTPQUERY", "leak={{relay.admin-token}}", "CamelHttpRawQuery", "raw=1",
                    "CamelHttpMethod", "PUT", "CamelHttpResponseCode", "599", "X-Kept", "yes")), id);

            UUID deliveryId = postAndGetDelivery(key, "order.created");
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            assertThat(elsewhere.received()).isEmpty();
            TestReceiver.Received request = registered.received().get(0);
            assertThat(request.requestUri()).isEqualTo("/hook");
            assertThat(request.header("x-kept")).isEqualTo("yes");
            assertThat(request.headers().keySet()).noneMatch(h -> h.startsWith("camel"));
            String recorded = attempts(deliveryId).get(0).get("request_headers").toString();
            assertThat(recorded).doesNotContainIgnoringCase("camel").doesNotContain(ADMIN_TOKEN);
            assertThat(attempts(deliveryId).get(0).get("url")).isEqualTo(registered.url());
        }
    }

    @Test
    void theMigrationRemovesControlHeadersFromStoredEndpoints() throws Exception {
        String key = createTenant("steer-migration");
        String id = createEndpoint(key, "http://127.0.0.1:9/a", "[]").get("id").asText();
        String stored = JSON.writeValueAsString(Map.of(
                "CamelHttpUri", "http://elsewhere.example/", "org.apache.camel.X", "1", "webhook-id", "forged",
                "X-Multi", "a\r\nb", "X-Region", "kept"));
        String migration = Files.readString(Path.of("src/main/resources/db/migration/V6__static_headers_allow_list.sql"));

        // One transaction: the re-encryption route must not seal the plain row before the migration
        // that predates sealing reads it.
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            jdbc.update("UPDATE endpoints SET headers = ?::jsonb WHERE id = ?::uuid", stored, id);
            jdbc.execute(migration);
        });

        assertThat(get("/v1/endpoints/" + id, as(key)).json().get("headers").toString())
                .isEqualTo("{\"X-Region\":\"kept\"}");
    }
}
