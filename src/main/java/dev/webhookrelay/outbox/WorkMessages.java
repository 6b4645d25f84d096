package dev.webhookrelay.outbox;

import java.util.List;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.ingest.AcceptedEvent;
import dev.webhookrelay.tracing.TraceParents;
import org.springframework.stereotype.Component;

/**
 * The work messages of an accepted event's new deliveries, one per subscribed endpoint, each for
 * attempt 1, in the trace of the request that posted the event.
 */
@Component("workMessages")
public class WorkMessages {

    public List<WorkMessage> forAccepted(AcceptedEvent accepted, UUID tenantId) {
        return accepted.deliveries().stream().map(d -> new WorkMessage(d.id(), d.endpointId(), tenantId, 1, TraceParents.current(),
                accepted.createdAt())).toList();
    }
}
