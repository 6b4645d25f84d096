package dev.webhookrelay.broker;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.stereotype.Component;

/**
 * How far the work queue has been handed out: a moment before which every message that entered the
 * work queue has reached a consumer. A message still pending in PostgreSQL whose turn came before
 * that moment (by more than a grace for a consumer's one prefetched message and clock skew) has no
 * message in the broker: the outbox sweeper and the reconciler republish only those. Without this, a
 * backlog older than their grace would look lost and be copied again and again.
 *
 * <p>Two observations move it forward. The work queue is FIFO: once a consumer reads a message
 * published at T ({@link WorkMessage#PUBLISHED_AT}), every message that entered the queue before it
 * was handed out. And a work queue seen with no ready message has handed out everything it held. A
 * relay that consumes nothing still learns the second; the moment only ever moves forward. A work
 * queue that was deleted lost what it held: declared again (TopologyRepair) it is empty, and what
 * it lost is republished.
 */
@Component("workQueueProgress")
public class WorkQueueProgress {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueProgress.class);

    private final TopologyRepair topology;
    private final AtomicLong handedOutUpTo = new AtomicLong(Long.MIN_VALUE);

    public WorkQueueProgress(TopologyRepair topology) {
        this.topology = topology;
    }

    /** A consumer read a message published at this moment (epoch millis; absent on a retry's message). */
    public void consumed(@Header(WorkMessage.PUBLISHED_AT) String publishedAt) {
        if (publishedAt == null) {
            return;
        }
        try {
            long millis = Long.parseLong(publishedAt.trim());
            // A header from the future (a publisher's clock ahead, or a forged message) must not
            // make queued messages look lost: never past this relay's now.
            advanceTo(Math.min(millis, System.currentTimeMillis()));
        } catch (NumberFormatException e) {
            LOG.debug("Ignoring unreadable {} header", WorkMessage.PUBLISHED_AT);
        }
    }

    /**
     * The moment before which everything that entered the work queue was handed out, as this relay
     * knows it now; asks the broker whether the queue is empty first (and so, once per outbox sweep,
     * whether the relay's queues are all there). An unreachable broker leaves it where it was.
     */
    public Instant handedOutUpTo() {
        long now = System.currentTimeMillis();
        try {
            QueueInformation queue = topology.workQueue();
            if (queue != null && queue.getMessageCount() == 0) {
                advanceTo(now);
            }
        } catch (RuntimeException e) {
            LOG.debug("Work queue depth unknown: {}", e.getMessage());
        }
        long known = handedOutUpTo.get();
        return known == Long.MIN_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(known);
    }

    private void advanceTo(long millis) {
        handedOutUpTo.accumulateAndGet(millis, Math::max);
    }
}
