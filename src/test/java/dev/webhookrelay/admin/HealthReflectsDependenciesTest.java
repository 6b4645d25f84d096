package dev.webhookrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

class HealthReflectsDependenciesTest extends RelayIntegrationTest {

    @Test
    void readinessFailsWithoutRabbitmqWhileLivenessHolds() {
        assertThat(get("/actuator/health/readiness", Map.of()).status()).isEqualTo(200);
        RABBITMQ.cut();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness", Map.of()).status() == 503);
            assertThat(get("/actuator/health/liveness", Map.of()).status()).isEqualTo(200);
        } finally {
            RABBITMQ.restore();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness", Map.of()).status() == 200);
    }

    @Test
    void readinessFailsWithoutPostgres() {
        POSTGRES.cut();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness", Map.of()).status() == 503);
        } finally {
            POSTGRES.restore();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness", Map.of()).status() == 200);
    }
}
