package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An attempt whose outcome is never recorded (something after the request fails the same way each
 * time) is claimed again each time its lease runs out: relay.delivery.max-unfinished-claims times,
 * then the claim dead-letters it instead of sending it once more. The state of a delivery claimed that
 * often is written directly; the reconciler republishes its message once the lease is past.
 */
class AnAttemptThatNeverFinishesIsDeadLetteredTest extends RelayIntegrationTest {

    @Autowired
    RelayProperties properties;

    @Test
    void pastTheLimitTheClaimDeadLettersItAndTheReceiverIsNotCalledAgain() {
        int max = properties.delivery().maxUnfinishedClaims();
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("never-finishes");
            UUID atTheLimit = deliveryTo(key, receiver);
            UUID pastTheLimit = deliveryTo(key, receiver);
            awaitStatus(atTheLimit, "DELIVERED", Duration.ofSeconds(20));
            awaitStatus(pastTheLimit, "DELIVERED", Duration.ofSeconds(20));
            int requestsBefore = receiver.received().size();

            leaseRanOut(atTheLimit, max - 1);
            leaseRanOut(pastTheLimit, max);

            awaitStatus(atTheLimit, "DELIVERED", Duration.ofSeconds(30));
            awaitStatus(pastTheLimit, "DEAD_LETTERED", Duration.ofSeconds(30));
            assertThat(receiver.received()).as("only the delivery under the limit was sent again")
                    .hasSize(requestsBefore + 1);
            String lastError = jdbc.queryForObject("SELECT last_error FROM deliveries WHERE id = ?", String.class, pastTheLimit);
            assertThat(lastError).contains("claimed " + (max + 1) + " times before and never finished");
            List<Map<String, Object>> attempts = attempts(pastTheLimit);
            assertThat(attempts.get(attempts.size() - 1)).containsEntry("outcome", "DEAD_LETTERED")
                    .containsEntry("error_class", UnfinishedAttemptException.class.getName());
            assertThat(get("/v1/dlq", as(key)).body()).contains(pastTheLimit.toString());
        }
    }

    @Test
    void pastTheLimitAnAttemptWhoseSecretCannotBeOpenedIsDeadLetteredWithoutOpeningIt() {
        int max = properties.delivery().maxUnfinishedClaims();
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("unopenable-secret");
            UUID delivery = deliveryTo(key, receiver);
            awaitStatus(delivery, "DELIVERED", Duration.ofSeconds(20));
            int requestsBefore = receiver.received().size();
            UUID endpoint = jdbc.queryForObject("SELECT endpoint_id FROM deliveries WHERE id = ?", UUID.class, delivery);
            String sealed = jdbc.queryForObject("SELECT secret FROM endpoint_secrets WHERE endpoint_id = ?", String.class,
                    endpoint);
            // As after a master key was dropped from relay.secrets.previous-keys before re-encryption
            // ended: every claim failed to open the secret, so none finished.
            jdbc.update("UPDATE endpoint_secrets SET secret = regexp_replace(secret, '^v1:[^:]+:', 'v1:AAAAAAAA:') "
                    + "WHERE endpoint_id = ?", endpoint);
            try {
                leaseRanOut(delivery, max);

                awaitStatus(delivery, "DEAD_LETTERED", Duration.ofSeconds(30));
                assertThat(receiver.received()).hasSize(requestsBefore);
                assertThat(get("/v1/dlq", as(key)).body()).contains(delivery.toString());
            } finally {
                // Other tests count the secrets no key opens: this one must not stay among them.
                jdbc.update("UPDATE endpoint_secrets SET secret = ? WHERE endpoint_id = ?", sealed, endpoint);
            }
        }
    }

    /** As if attempt 1 had been claimed that many times again, each claim's lease run out unrecorded. */
    private void leaseRanOut(UUID deliveryId, int unfinishedClaims) {
        jdbc.update("""
                UPDATE deliveries SET status = 'DISPATCHING', budget_attempts = 1, unfinished_claims = ?,
                       next_attempt_at = now() - interval '1 minute'
                 WHERE id = ?""", unfinishedClaims, deliveryId);
    }
}
