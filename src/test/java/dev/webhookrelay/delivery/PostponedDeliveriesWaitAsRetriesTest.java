package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** PostponedDeliveries against PostgreSQL's partitioned deliveries: the row it moves, and the ones it leaves. */
class PostponedDeliveriesWaitAsRetriesTest extends RelayIntegrationTest {

    @Autowired
    private PostponedDeliveries postponed;
    @Autowired
    private CamelContext camel;

    @Test
    void aPostponedAttemptIsScheduledInTheDeliverysOwnPartitionOrFoundByIdWithoutItsCreatedAt() throws Exception {
        String key = createTenant("postponed");
        createEndpoint(key, "http://127.0.0.1:9/x", "[\"postponed.*\"]");
        UUID withCreatedAt;
        UUID withoutCreatedAt;
        UUID withAnotherCreatedAt;
        // Nothing consumes: the deliveries stay RECEIVED until postponed here.
        camel.getRouteController().stopRoute("consume-work-queue", 5, TimeUnit.SECONDS);
        try {
            withCreatedAt = postAndGetDelivery(key, "postponed.one");
            withoutCreatedAt = postAndGetDelivery(key, "postponed.two");
            withAnotherCreatedAt = postAndGetDelivery(key, "postponed.three");

            postpone(withCreatedAt, createdAt(withCreatedAt));
            postpone(withoutCreatedAt, null);
            postpone(withAnotherCreatedAt, createdAt(withAnotherCreatedAt).minusSeconds(86_400 * 3));

            assertThat(status(withCreatedAt)).isEqualTo("RETRY_SCHEDULED");
            assertThat(status(withoutCreatedAt)).isEqualTo("RETRY_SCHEDULED");
            assertThat(status(withAnotherCreatedAt)).as("a created_at that is not the row's matches nothing")
                    .isEqualTo("RECEIVED");
        } finally {
            camel.getRouteController().startRoute("consume-work-queue");
        }
    }

    private void postpone(UUID deliveryId, Instant createdAt) {
        UUID endpoint = jdbc.queryForObject("SELECT endpoint_id FROM deliveries WHERE id = ?", UUID.class, deliveryId);
        postponed.waitingInWaitQueue(DeliveryAttempt.of(
                new WorkMessage(deliveryId, endpoint, null, 1, null, createdAt), false));
    }

    private Instant createdAt(UUID deliveryId) {
        return jdbc.queryForObject("SELECT created_at FROM deliveries WHERE id = ?", Timestamp.class, deliveryId)
                .toInstant();
    }
}
