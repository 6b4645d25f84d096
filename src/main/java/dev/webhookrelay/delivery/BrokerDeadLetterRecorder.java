package dev.webhookrelay.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueDeaths;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.operational.OperationalEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
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
 * queue holds. A client can publish an x-death of its own to the dead-letter exchange, so neither it
 * nor the delivery id is trusted alone: the message must name the delivery's endpoint, tenant and
 * created_at, and the attempt the delivery is waiting for (a stale copy of an older attempt does not
 * end a delivery that has moved on). Any other is acked, counted as ignored and logged, and so is one
 * whose body is over relay.rabbitmq.max-message-bytes, whatever it says (never thrown back). A recorded
 * dead letter is announced to the tenant's operational endpoint (delivery.dead_lettered) in the same
 * transaction.
 */
@Component("brokerDeadLetterRecorder")
public class BrokerDeadLetterRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerDeadLetterRecorder.class);

    private static final String RECORD = """
            UPDATE deliveries d SET status = 'DEAD_LETTERED', last_error = ?, next_attempt_at = NULL, updated_at = now()
             WHERE d.id = ? AND d.created_at = ? AND d.endpoint_id = ? AND d.tenant_id = ?
               AND ((d.budget_attempts = ? - 1 AND d.status IN (%s))
                    OR (d.budget_attempts = ? AND d.status = 'DISPATCHING'))
            RETURNING tenant_id, event_id, endpoint_id, attempt_count, last_status,
                      (SELECT e.type FROM events e WHERE e.id = d.event_id AND e.created_at = d.created_at)"""
            .formatted(DeliveryStatus.PENDING_SQL);

    /** Whether a dead letter that ended nothing names a delivery as it is: then it is a stale copy. */
    private static final String NAMES_THE_DELIVERY = """
            SELECT count(*) FROM deliveries WHERE id = ? AND created_at = ? AND endpoint_id = ? AND tenant_id = ?""";

    /**
     * The reasons RabbitMQ writes into x-death; any other (only a client writes one) is read as
     * "other", so a published message can mint neither metric tags nor log or last_error text.
     */
    private static final Set<String> BROKER_REASONS = Set.of("delivery_limit", "rejected", "expired", "maxlen");

    /** Why a broker dead letter ended nothing: the ignored counter's fixed reason tags. */
    private static final String NO_DELIVERY_ID = "no-delivery-id";
    private static final String MISMATCHED = "mismatched";
    private static final String MOVED_ON = "moved-on";
    /** The relay's own messages carry a delivery id; a larger body was published by hand. */
    private static final String TOO_LARGE = "too-large";

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

    public void record(@Header(WorkMessage.DELIVERY_ID) String deliveryHeader,
            @Header(WorkMessage.ENDPOINT_ID) String endpointHeader, @Header(WorkMessage.TENANT_ID) String tenantHeader,
            @Header(WorkMessage.CREATED_AT) String createdAtHeader, @Header(WorkMessage.ATTEMPT) String attemptHeader,
            @Header("x-death") Object xDeath, @Body byte[] body) {
        if (body != null && body.length > names.maxMessageBytes()) {
            ignored(TOO_LARGE);
            LOG.warn("A dead letter with a body of {} bytes, over relay.rabbitmq.max-message-bytes ({}), was published"
                    + " by hand: acked, not recorded", body.length, names.maxMessageBytes());
            return;
        }
        Optional<Map<?, ?>> death = WorkQueueDeaths.find(xDeath, names.workQueue());
        if (death.isEmpty()) {
            return;
        }
        String reason = brokerReason(death.get().get("reason"));
        UUID deliveryId = WorkMessage.uuid(deliveryHeader);
        if (deliveryId == null) {
            ignored(NO_DELIVERY_ID);
            LOG.warn("RabbitMQ dead-lettered a message without a delivery id ({}); nothing to record", reason);
            return;
        }
        int attempt = WorkMessage.attempt(attemptHeader);
        UUID endpointId = WorkMessage.uuid(endpointHeader);
        UUID tenantId = WorkMessage.uuid(tenantHeader);
        Instant createdAt = WorkMessage.instant(createdAtHeader);
        if (endpointId == null || tenantId == null || createdAt == null) {
            ignore(deliveryId, attempt, reason, MISMATCHED);
            return;
        }
        Timestamp created = Timestamp.from(createdAt);
        String why = "RabbitMQ dead-lettered the message from " + names.workQueue() + ": " + reason + explanation(reason);
        boolean recorded = Boolean.TRUE.equals(transaction.execute(status -> {
            List<Ended> ended = jdbc.query(RECORD, (rs, n) -> new Ended(new OperationalEvents.Delivery(
                    rs.getObject(1, UUID.class), deliveryId, rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                    rs.getString(6), rs.getInt(4)), (Integer) rs.getObject(5)),
                    why, deliveryId, created, endpointId, tenantId, attempt, attempt);
            ended.forEach(end -> operational.deliveryDeadLettered(end.delivery(), end.lastStatus(), why));
            return !ended.isEmpty();
        }));
        if (recorded) {
            Counter.builder("relay.broker.dead.letters").description("Deliveries RabbitMQ itself dead-lettered, by reason")
                    .tag("reason", reason).register(registry).increment();
            LOG.warn("delivery={} attempt={} dead-lettered by RabbitMQ: {}", deliveryId, attempt, why);
            return;
        }
        Integer named = jdbc.queryForObject(NAMES_THE_DELIVERY, Integer.class, deliveryId, created, endpointId, tenantId);
        ignore(deliveryId, attempt, reason, named != null && named > 0 ? MOVED_ON : MISMATCHED);
    }

    private void ignore(UUID deliveryId, int attempt, String reason, String why) {
        ignored(why);
        if (MOVED_ON.equals(why)) {
            LOG.warn("delivery={} attempt={} dead-lettered by RabbitMQ ({}), but the delivery is no longer waiting"
                    + " for that attempt: not recorded", deliveryId, attempt, reason);
        } else {
            LOG.warn("delivery={} attempt={}: a dead letter from {} ({}) whose endpoint, tenant or created-at headers"
                    + " are missing or not the delivery's: not recorded", deliveryId, attempt, names.workQueue(), reason);
        }
    }

    private void ignored(String why) {
        Counter.builder("relay.broker.dead.letters.ignored")
                .description("Dead letters with the work queue's x-death that ended no delivery, by why")
                .tag("reason", why).register(registry).increment();
    }

    /** The delivery this dead letter ended, and the HTTP status of its last attempt (null when none came). */
    private record Ended(OperationalEvents.Delivery delivery, Integer lastStatus) {
    }

    private static String brokerReason(Object written) {
        String reason = String.valueOf(written);
        return BROKER_REASONS.contains(reason) ? reason : "other";
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
