package dev.webhookrelay.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each republish doubles the wait before the reconciler copies a delivery again, measured from how
 * overdue it was: a delivery found after a weekend of relays down waited as long again, two days,
 * when its republish was refused by a broker still starting or its copy was lost once more. The wait
 * is at most an hour, and a republish the broker did not take is due again at the next run. A
 * retry waits in a one-hour wait queue; its row is set as the reconciler left it.
 */
class AFailedRepublishIsNotPostponedForDaysTest extends RelayIntegrationTest {

    @Autowired
    private DeliveryReconciler reconciler;

    @Test
    void aDeliveryRepublishedTwoHoursAgoAfterTwoDaysOverdueIsRepublishedAgainNow() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503))) {
            UUID delivery = retryingInAnHour(receiver, "republished-hours-ago");

            asReconciledAfterTwoDaysOverdue(delivery, "now() - interval '2 hours'");

            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(30));
        }
    }

    @Test
    void aDeliveryWhoseRepublishTheBrokerRefusedIsRepublishedAtTheNextRun() {
        try (TestReceiver receiver = new TestReceiver(Reply.status(503))) {
            UUID delivery = retryingInAnHour(receiver, "republish-refused");
            asReconciledAfterTwoDaysOverdue(delivery, "now()");
            Timestamp createdAt = jdbc.queryForObject("SELECT created_at FROM deliveries WHERE id = ?",
                    Timestamp.class, delivery);

            reconciler.unpublished(List.of(new WorkMessage(delivery, UUID.randomUUID(), UUID.randomUUID(), 2, null,
                    createdAt.toInstant())));

            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(30));
        }
    }

    /** A delivery whose first attempt failed, its retry an hour away; the receiver now answers 200. */
    private UUID retryingInAnHour(TestReceiver receiver, String tenant) {
        String key = createTenant(tenant);
        post("/v1/endpoints", "{\"url\":\"" + receiver.url() + "\",\"retrySchedule\":\"1h\"}", as(key));
        UUID delivery = postAndGetDelivery(key, "order.created");
        awaitStatus(delivery, "RETRY_SCHEDULED", Duration.ofSeconds(20));
        receiver.replyFromNow(Reply.status(200));
        assertThat(receiver.received()).hasSize(1);
        return delivery;
    }

    /** Its retry was due two days ago (relays down), and the reconciler republished it at that time. */
    private void asReconciledAfterTwoDaysOverdue(UUID delivery, String reconciledAt) {
        jdbc.update("UPDATE deliveries SET next_attempt_at = now() - interval '2 days', reconciled_at = "
                + reconciledAt + " WHERE id = ?", delivery);
    }
}
