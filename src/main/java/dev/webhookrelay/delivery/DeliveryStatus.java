package dev.webhookrelay.delivery;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** A delivery's state in PostgreSQL (deliveries.status), the lifecycle the routes in routes/ follow. */
public enum DeliveryStatus {
    RECEIVED, DISPATCHING, DELIVERED, RETRY_SCHEDULED, PAUSED, DEAD_LETTERED;

    /** Pending: the relay still owes an attempt. PAUSED waits for its endpoint and is not pending. */
    public static final Set<DeliveryStatus> PENDING = EnumSet.of(RECEIVED, DISPATCHING, RETRY_SCHEDULED);

    /** Not final yet: pending, or paused until its endpoint is enabled again. */
    public static final Set<DeliveryStatus> UNFINISHED = EnumSet.of(RECEIVED, DISPATCHING, RETRY_SCHEDULED, PAUSED);

    /** The pending statuses as a SQL list, for {@code status IN (...)}. */
    public static final String PENDING_SQL = sqlList(PENDING);
    public static final String UNFINISHED_SQL = sqlList(UNFINISHED);

    private static String sqlList(Set<DeliveryStatus> statuses) {
        return statuses.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
    }
}
