package dev.webhookrelay.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.webhookrelay.support.FastRouteTest;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * routes/retention.camel.yaml: each purge deletes batch after batch until a batch deletes nothing,
 * and the old replays go after the events. The purge steps are reached by their ids (mock:<step id>),
 * whatever runs their statements.
 */
class RetentionRouteDecisionsTest extends FastRouteTest {

    private static final String UPDATE_COUNT = "CamelSqlUpdateCount";

    /** The purge steps in the order the routes reached them, one entry per batch. */
    private final List<String> reached = new CopyOnWriteArrayList<>();

    @Test
    void idempotencyKeysAreDeletedBatchAfterBatchUntilABatchDeletesNone() throws Exception {
        deletes("delete-expired-idempotency-keys", 5000, 5000, 17);

        call("purge-idempotency-keys");

        assertThat(reached).containsExactly("delete-expired-idempotency-keys", "delete-expired-idempotency-keys",
                "delete-expired-idempotency-keys", "delete-expired-idempotency-keys");
    }

    @Test
    void expiredEventsAreDeletedBatchAfterBatchAndOldReplaysOnceAfterThem() throws Exception {
        deletes("delete-expired-events", 1000, 1000);
        deletes("delete-expired-replays", 3);

        call("purge-expired-events-now");

        assertThat(reached).containsExactly("delete-expired-events", "delete-expired-events", "delete-expired-events",
                "delete-expired-replays");
    }

    @Test
    void theScheduledRetentionPassRunsTheWholePurge() throws Exception {
        deletes("delete-expired-events");
        deletes("delete-expired-replays");

        call("purge-expired-events");

        assertThat(reached).containsExactly("delete-expired-events", "delete-expired-replays");
    }

    @Test
    void theScheduledIdempotencyPurgeStopsAtTheFirstEmptyBatch() throws Exception {
        deletes("delete-expired-idempotency-keys");

        call("purge-idempotency-keys");

        assertThat(reached).containsExactly("delete-expired-idempotency-keys");
    }

    /** The purge step deletes these row counts, one per batch, then none: its table is clean. */
    private void deletes(String stepId, int... rowsPerBatch) {
        MockEndpoint step = mockAt(stepId);
        step.whenAnyExchangeReceived(exchange -> {
            int batch = (int) reached.stream().filter(stepId::equals).count();
            reached.add(stepId);
            exchange.getMessage().setHeader(UPDATE_COUNT, batch < rowsPerBatch.length ? rowsPerBatch[batch] : 0);
        });
    }
}
