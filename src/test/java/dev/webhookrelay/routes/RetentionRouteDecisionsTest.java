package dev.webhookrelay.routes;

import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import dev.webhookrelay.support.FastRouteTest;
import org.junit.jupiter.api.Test;

/**
 * routes/retention.camel.yaml: each timer runs one whole pass of the dataRetention or historyPartitions bean, which
 * deletes batch after batch itself (RetentionPurgesOldDataTest proves the batches against PostgreSQL).
 */
class RetentionRouteDecisionsTest extends FastRouteTest {

    @Test
    void theIdempotencyTimerRunsOneWholeIdempotencyKeyPurge() throws Exception {
        call("purge-idempotency-keys");

        verify(dataRetention, times(1)).purgeIdempotencyKeys();
        verifyNoMoreInteractions(dataRetention);
    }

    @Test
    void thePartitionTimerCreatesTheHistoryPartitionsAhead() throws Exception {
        call("create-history-partitions");

        verify(historyPartitions, times(1)).createAhead();
        verifyNoMoreInteractions(historyPartitions);
    }

    @Test
    void theRetentionTimerRunsTheSamePassAsAnOnDemandPurge() throws Exception {
        call("purge-expired-events");
        call("purge-expired-events-now");

        verify(dataRetention, times(2)).purgeExpiredEvents();
        verifyNoMoreInteractions(dataRetention);
    }
}
