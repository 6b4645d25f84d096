package dev.webhookrelay.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueDeaths;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.operational.OperationalEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records in PostgreSQL the work messages RabbitMQ itself dead-lettered (over the work queue's
 * delivery limit, or rejected), recognised by the broker's x-death entry for the work queue; the
 * relay's own dead letters reach the recorder queue too, already recorded, and are passed over. The
 * delivery becomes DEAD_LETTERED with the broker's reason, so /v1/dlq lists what the dead-letter
 * queue holds. Only the attempt the message was for is ended: a stale copy of an older attempt does
 * not end a delivery that has moved on. A recorded dead letter is announced to the tenant's
 * operational endpoint (delivery.dead_lettered) in the same transaction.
 */
@Component("brokerDeadLetterRecorder")
public class BrokerDeadLetterRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerDeadLetterRecorder.class);

    private static final String RECORD = """
            UPDATE deliveries d SET status = 'DEAD_LETTERED', last_error = ?, next_attempt_at = NULL, updated_at = now()
             WHERE id = ? AND status IN (%s)
               AND budget_attempts IN (? - 1, ?)
            RETURNING tenant_id, event_id, endpoint_id, attempt_count, last_status,
                      (SELECT e.type FROM events e WHERE e.id = d.event_id)""".formatted(DeliveryStatus.PENDING_SQL);

    private final JdbcTemplate jdbc;
    private final MeterRegistry registry;
    private final RelayProperties.Rabbitmq names;
    private final OperationalEvents operational;
    private final TransactionTemplate transaction;

    public BrokerDeadLetterRecorder(JdbcTemplate jdbc, MeterRegistry registry, RelayProperties properties,
            OperationalEvents operational, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.names = properties.rabbitmq();
        this.operational = operational;
        this.transaction = new TransactionTemplate(transactions);
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
        boolean recorded = Boolean.TRUE.equals(transaction.execute(status -> {
            List<Ended> ended = jdbc.query(RECORD, (rs, n) -> new Ended(new OperationalEvents.Delivery(
                    rs.getObject(1, UUID.class), deliveryId, rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                    rs.getString(6), rs.getInt(4)), (Integer) rs.getObject(5)), why, deliveryId, attempt, attempt);
            ended.forEach(end -> operational.deliveryDeadLettered(end.delivery(), end.lastStatus(), why));
            return !ended.isEmpty();
        }));
        if (recorded) {
            Counter.builder("relay.broker.dead.letters").description("Deliveries RabbitMQ itself dead-lettered, by reason")
                    .tag("reason", reason).register(registry).increment();
            LOG.warn("delivery={} attempt={} dead-lettered by RabbitMQ: {}", deliveryId, attempt, why);
        } else {
            LOG.info("delivery={} attempt={} dead-lettered by RabbitMQ ({}), but the delivery has moved on: not recorded",
                    deliveryId, attempt, reason);
        }
    }

    /** The delivery this dead letter ended, and the HTTP status of its last attempt (null when none came). */
    private record Ended(OperationalEvents.Delivery delivery, Integer lastStatus) {
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
