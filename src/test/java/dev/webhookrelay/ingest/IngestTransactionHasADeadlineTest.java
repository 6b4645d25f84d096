package dev.webhookrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * No event holds a connection and PostgreSQL longer than relay.ingest.transaction-timeout, whatever
 * its fan-out costs. The test makes an ingest slow by holding the row lock its fan-out needs (a fifo
 * endpoint's counter): the statement is cancelled at the deadline, the request is answered 503 with
 * Retry-After, and nothing of it is stored.
 */
class IngestTransactionHasADeadlineTest extends RelayIntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    RelayProperties properties;

    @Autowired
    SpringTransactionPolicy requiredTransaction;

    @Test
    void theIngestTransactionCarriesTheConfiguredDeadline() {
        assertThat(requiredTransaction.getTransactionTemplate().getTimeout())
                .isEqualTo(properties.ingest().transactionTimeout().toSeconds());
    }

    @Test
    void anIngestPastItsDeadlineIsCancelledAnswered503AndStoresNothing() throws Exception {
        String key = createTenant("ingest-deadline");
        String fifo = post("/v1/endpoints", "{\"url\":\"https://example.com/hook\",\"ordering\":\"fifo\"}", as(key))
                .json().get("id").asText();

        Response answer;
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM endpoints WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, UUID.fromString(fifo));
                lock.executeQuery().close();
            }
            answer = post("/v1/events", "{\"type\":\"a\",\"payload\":{\"held\":true}}",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"));
            holder.rollback();
        }

        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).isNotBlank();
        assertThat(answer.json().get("detail").asText()).contains("relay.ingest.transaction-timeout");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events e JOIN tenants t ON t.id = e.tenant_id "
                + "WHERE t.name = 'ingest-deadline'", Integer.class)).isZero();
        assertThat(postEvent(key, "{\"type\":\"a\",\"payload\":{}}", null).status()).isEqualTo(202);
    }
}
