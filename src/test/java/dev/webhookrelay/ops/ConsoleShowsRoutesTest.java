package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

class ConsoleShowsRoutesTest extends RelayIntegrationTest {

    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString(("admin:" + CONSOLE_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @Test
    void theConsoleRequiresALogin() {
        int anonymous = get("/actuator/hawtio/", Map.of()).status();
        assertThat(anonymous).isIn(302, 401, 403);
        assertThat(get("/actuator/jolokia/version", Map.of()).status()).isIn(302, 401, 403);
        assertThat(get("/actuator/jolokia/version", Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(401);
    }

    @Test
    void withTheConsoleLoginHawtioServesAndJolokiaShowsRouteStatistics() {
        Response console = get("/actuator/hawtio/", Map.of("Authorization", BASIC));
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).containsIgnoringCase("hawtio");

        Response routes = get("/actuator/jolokia/read/org.apache.camel:context=*,type=routes,name=*/RouteId,ExchangesTotal",
                Map.of("Authorization", BASIC));

        assertThat(routes.status()).isEqualTo(200);
        assertThat(routes.body()).contains("ingest-event", "consume-work-queue", "schedule-retry", "ExchangesTotal");
    }

    @Test
    void theApiIsUnaffectedByTheConsoleSecurity() {
        assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", Map.of()).status()).isEqualTo(200);
        assertThat(post("/v1/events", "{}", Map.of("Content-Type", "application/json")).status()).isEqualTo(401);
    }
}
