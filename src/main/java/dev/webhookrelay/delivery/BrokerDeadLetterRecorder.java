package dev.webhookrelay.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueDeaths;
import dev.webhookrelay.config.RelayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records in PostgreSQL the work messages RabbitMQ itself dead-lettered (over the work queue's
 * delivery limit, or rejected), recognised by the broker's x-death entry for the work queue; the
 * relay's own dead letters reach the recorder queue too, already recorded, and are passed over. The
 * delivery becomes DEAD_LETTERED with the broker's reason, so /v1/dlq lists what the dead-letter
 * queue holds. Only the attempt the message was for is ended: a stale copy of an older attempt does
 * not end a delivery that has moved on.
 */
@Component("brokerDeadLetterRecorder")
public class BrokerDeadLetterRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerDeadLetterRecorder.class);

    private static final String RECORD = """
            UPDATE deliveries SET status = 'DEAD_LETTERED', last_error = ?, next_attempt_at = NULL, updated_at = now()
             WHERE id = ? AND status IN (%s)
               AND budget_attempts IN (? - 1, ?)""".formatted(DeliveryStatus.PENDING_SQL);

    private final JdbcTemplate jdbc;
    private final MeterRegistry registry;
    private final RelayProperties.Rabbitmq names;

    public BrokerDeadLetterRecorder(JdbcTemplate jdbc, MeterRegistry registry, RelayProperties properties) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.names = properties.rabbitmq();
    }

    public void record(@Header(WorkMessage.DELIVERY_ID) String deliveryHeader, @Header(WorkMessage.ATTEMPT) String attemptHeader,
            @Header("x-death") Object xDeath) {
        Optional<Map<?, ?>> death = WorkQueueDeaths.find(xDeath, names.workQueue());
        if (death.isEmpty()) {
            return;
        }
        String reason = String.valueOf(death.get().get("reason"));
        UUID deliveryId = WorkMessage.uuid(deliveryHeader);
        if (deliveryId == null) {
            LOG.warn("RabbitMQ dead-lettered a message without a delivery id ({}); nothing to record", reason);
            return;
        }
        int attempt = WorkMessage.attempt(attemptHeader);
        String why = "RabbitMQ dead-lettered the message from " + names.workQueue() + ": " + reason + explanation(reason);
        int recorded = jdbc.update(RECORD, why, deliveryId, attempt, attempt);
        if (recorded == 1) {
            Counter.builder("relay.broker.dead.letters").description("Deliveries RabbitMQ itself dead-lettered, by reason")
                    .tag("reason", reason).register(registry).increment();
            LOG.warn("delivery={} attempt={} dead-lettered by RabbitMQ: {}", deliveryId, attempt, why);
        } else {
            LOG.info("delivery={} attempt={} dead-lettered by RabbitMQ ({}), but the delivery has moved on: not recorded",
                    deliveryId, attempt, reason);
        }
    }

    private String explanation(String reason) {
        return switch (reason) {
            case "delivery_limit" -> " (handed out more than " + names.workQueueDeliveryLimit()
                    + " times without being finished)";
            case "rejected" -> " (a consumer rejected it)";
            default -> "";
        };
    }
}
