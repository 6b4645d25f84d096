package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.support.RawHttp;
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

    /**
     * API paths skip the security chains (ConsoleSecurityConfig): a path that starts with /v1/ but leads
     * out of it does not, so it never reaches the console unauthenticated. (Spring's request-path filter
     * answers "/v1/../actuator/jolokia/..." with a 500 before the firewall sees it, as it did before.)
     */
    @Test
    void aPathThatLeavesTheApiStillNeedsTheConsoleLogin() {
        for (String path : List.of("/v1/../actuator/jolokia/version", "/v1/%2e%2e/actuator/jolokia/version",
                "/v1/..;/actuator/hawtio/", "/v1;/../actuator/jolokia/version", "/v1/../actuator/hawtio/")) {
            Response answer = raw("GET", path);
            assertThat(answer.status()).as(path).isBetween(300, 499);
            assertThat(answer.body()).as(path).doesNotContain("\"agent\"").doesNotContainIgnoringCase("<html");
        }
    }

    /** Refused by the firewall before anything parses it, not a 500 from deeper in the filters. */
    @Test
    void aPathThatClimbsOutOfTheApiIsABadRequest() {
        Response answer = raw("GET", "/v1/../actuator/jolokia/version");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    }

    /**
     * Spring's request-path filter failed on a path that percent-encodes a letter (an unauthenticated
     * 500 and 17 KB of logged stack traces per request): refused first, it is a 400 problem document.
     */
    @Test
    void aPathThatNeedlesslyPercentEncodesIsABadRequest() {
        for (String path : List.of("/%61ctuator/jolokia", "/actuator/%6Aolokia/version", "/consol%65", "/portal/%7E")) {
            Response answer = raw("GET", path);

            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.header("Content-Type")).as(path).startsWith("application/problem+json");
        }
    }

    /** The API's requests still pass Spring Security's firewall: a path it refuses is a 400 problem. */
    @Test
    void theFirewallStillRefusesUnsafeApiPaths() {
        Response answer = raw("GET", "/v1/events;jsessionid=1");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void theApiIsUnaffectedByTheConsoleSecurity() {
        assertThat(get("/actuator/health", Map.of()).status()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", Map.of()).status()).isEqualTo(200);
        assertThat(post("/v1/events", "{}", Map.of("Content-Type", "application/json")).status()).isEqualTo(401);
    }

    private Response raw(String method, String target) {
        return RawHttp.send(port, new RawHttp.Request(method, target.getBytes(StandardCharsets.US_ASCII), List.of(), null,
                false));
    }
}
