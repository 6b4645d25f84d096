package dev.webhookrelay.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.audit.AuditAction;
import dev.webhookrelay.audit.AuditTrail;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import dev.webhookrelay.delivery.DeliveryStatus;
import dev.webhookrelay.delivery.FifoOrder;
import dev.webhookrelay.query.DeliveryQueries;
import dev.webhookrelay.query.PathIds;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an operator does about a fifo endpoint held up by its head: see it, skip it (it is
 * dead-lettered with reason "skipped" and the next delivery goes), or retry it now instead of at
 * its next scheduled attempt.
 */
@Component("fifoHeads")
public class FifoHeads {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final FifoOrder fifo;
    private final EndpointAdmin endpoints;
    private final DeliveryQueries deliveries;
    private final AuditTrail audit;

    public FifoHeads(JdbcTemplate jdbc, PlatformTransactionManager transactions, FifoOrder fifo, EndpointAdmin endpoints,
            DeliveryQueries deliveries, AuditTrail audit) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.fifo = fifo;
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.audit = audit;
    }

    /** The head (as GET /v1/deliveries/{id} shows it) and how many deliveries wait behind it. */
    public Map<String, Object> show(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id) {
        UUID endpointId = fifoEndpoint(tenantId, id);
        Map<String, Object> answer = new LinkedHashMap<>();
        Optional<FifoOrder.Head> head = fifo.head(endpointId);
        answer.put("head", head.map(h -> deliveries.find(tenantId, h.message().deliveryId())).orElse(null));
        answer.put("waiting", head.isEmpty() ? 0 : jdbc.queryForObject("""
                SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND seq > ? AND status IN (%s)"""
                .formatted(DeliveryStatus.UNFINISHED_SQL), Long.class, endpointId, head.get().seq()));
        return answer;
    }

    /** Dead-letters the head with reason "skipped" and lets the next delivery go. */
    public Map<String, Object> skip(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) throws InterruptedException {
        UUID endpointId = fifoEndpoint(tenantId, id);
        UUID skipped = transaction.execute(status -> {
            fifo.lock(endpointId);
            FifoOrder.Head head = fifo.head(endpointId).orElseThrow(() -> ProblemException.conflict(
                    "The endpoint has no unfinished delivery to skip", null));
            if (head.inFlight()) {
                throw ProblemException.conflict("The head is being attempted right now; skip it once the attempt ends", null);
            }
            UUID deliveryId = head.message().deliveryId();
            jdbc.update("""
                    UPDATE deliveries SET status = 'DEAD_LETTERED', last_error = 'skipped', next_attempt_at = NULL,
                           updated_at = now()
                     WHERE id = ?""", deliveryId);
            audit.record(tenantId, actor, AuditAction.FIFO_HEAD_SKIP, deliveryId, Map.of("status", head.status()),
                    Map.of("status", "DEAD_LETTERED", "lastError", "skipped"));
            return deliveryId;
        });
        fifo.publishHead(endpointId);
        return Map.of("skipped", skipped.toString(), "next", show(tenantId, id));
    }

    /** Attempts the head now, whatever its next scheduled attempt; its old retry message will find it moved on. */
    public Map<String, Object> retry(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @ExchangeProperty(Caller.ACTOR) String actor, @Header("id") String id) throws InterruptedException {
        UUID endpointId = fifoEndpoint(tenantId, id);
        FifoOrder.Head head = fifo.head(endpointId).orElseThrow(() -> ProblemException.conflict(
                "The endpoint has no unfinished delivery to retry", null));
        if (head.inFlight()) {
            throw ProblemException.conflict("The head is being attempted right now", null);
        }
        if (DeliveryStatus.PAUSED.name().equals(head.status())) {
            throw ProblemException.conflict("The endpoint is disabled: enable it to resume its deliveries", null);
        }
        transaction.executeWithoutResult(status -> audit.record(tenantId, actor, AuditAction.FIFO_HEAD_RETRY,
                head.message().deliveryId(), null, Map.of("attempt", head.message().attempt())));
        fifo.retryNow(head);
        return show(tenantId, id);
    }

    private UUID fifoEndpoint(UUID tenantId, String id) {
        UUID endpointId = PathIds.of(id);
        Map<String, Object> endpoint = endpoints.find(tenantId, endpointId);
        if (!"fifo".equals(endpoint.get("ordering"))) {
            throw ProblemException.conflict("The endpoint is not ordered (ordering is \"none\")", "ordering");
        }
        return endpointId;
    }
}
