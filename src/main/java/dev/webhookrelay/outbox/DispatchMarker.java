package dev.webhookrelay.outbox;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Moves confirmed deliveries from RECEIVED to DISPATCHING, a batch per statement (the route
 * aggregates ids). Only RECEIVED rows move, so a consumer that already finished a delivery is never
 * overwritten; a batch lost in a crash only means the sweeper publishes those deliveries again. A
 * batch can arrive late (the aggregator waits for a pause in publishes), after a delivery went back
 * to RECEIVED to be sent again (its endpoint was re-enabled): such a row has a next_attempt_at in the
 * past until the sweeper claims it, and is left for the sweeper.
 */
@Component("dispatchMarker")
public class DispatchMarker {

    private final JdbcTemplate jdbc;

    public DispatchMarker(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public int markDispatching(List<String> deliveryIds) {
        UUID[] ids = deliveryIds.stream().map(UUID::fromString).toArray(UUID[]::new);
        return jdbc.update(con -> {
            var statement = con.prepareStatement("""
                    UPDATE deliveries SET status = 'DISPATCHING', next_attempt_at = NULL, updated_at = now()
                    WHERE id = ANY (?) AND status = 'RECEIVED' AND (next_attempt_at IS NULL OR next_attempt_at > now())""");
            statement.setArray(1, con.createArrayOf("uuid", ids));
            return statement;
        });
    }
}
