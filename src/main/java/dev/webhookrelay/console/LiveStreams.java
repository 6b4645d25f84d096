package dev.webhookrelay.console;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's server-sent event streams. Each open stream polls PostgreSQL once a second (the
 * attempts and deliveries tables are the source of truth on every instance, whichever consumed the
 * message) and sends only what changed, from a sender thread of its own while a write is pending
 * (see {@link LiveStream}). Streams are capped per tenant and per instance ({@link StreamSlots}),
 * end after a few minutes, and htmx reconnects; they are all closed before the web server's graceful
 * shutdown, which would otherwise wait for them.
 */
@Component
class LiveStreams implements SmartLifecycle {

    private static final long POLL_MILLIS = 1000;
    private static final long STREAM_MILLIS = 5 * 60 * 1000;
    private static final int TAIL_BATCH = 50;
    private static final int POLLERS = 2;

    private final JdbcTemplate jdbc;
    private final StreamSlots slots;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(POLLERS, daemon("console-live"));
    // At most one send in flight per stream, so a thread per open stream at most; idle ones end.
    private final ThreadPoolExecutor sender;
    private final Set<LiveStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    LiveStreams(JdbcTemplate jdbc, RelayProperties properties) {
        this.jdbc = jdbc;
        RelayProperties.Console console = properties.console();
        this.slots = new StreamSlots(console.maxStreamsPerTenant(), console.maxStreams());
        this.sender = new ThreadPoolExecutor(0, console.maxStreams(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("console-live-send"));
    }

    /** A {@code deliveries} event carrying the statuses and attempt counts, each time they change. */
    SseEmitter eventChanges(UUID tenantId, UUID eventId) {
        return stream(tenantId, () -> {
            String[] last = {null};
            return () -> {
                String now = String.join(",", jdbc.queryForList("""
                        SELECT id::text || ':' || status || ':' || attempt_count FROM deliveries
                         WHERE event_id = ? AND tenant_id = ? ORDER BY id""", String.class, eventId, tenantId));
                if (!now.equals(last[0])) {
                    last[0] = now;
                    return SseEmitter.event().name("deliveries").data(now);
                }
                return null;
            };
        });
    }

    /**
     * The tenant's attempts, filtered by endpoint and outcome, rendered as table rows by the given
     * renderer: first the latest of the last hour (so an attempt made just before the stream opened
     * is not missed), then each as it is recorded, oldest first.
     */
    SseEmitter attempts(UUID tenantId, UUID endpointId, String outcome,
            Function<List<Map<String, Object>>, String> rows) {
        String matching = """
                FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.tenant_id = ? AND (?::uuid IS NULL OR d.endpoint_id = ?::uuid)
                  AND (?::text IS NULL OR a.outcome = ?::text)""";
        return stream(tenantId, () -> {
            Long start = jdbc.queryForObject("SELECT coalesce(min(id) - 1, 0) FROM (SELECT a.id " + matching
                    + " AND a.created_at > now() - interval '1 hour' ORDER BY a.id DESC LIMIT %d) latest".formatted(TAIL_BATCH),
                    Long.class, tenantId, endpointId, endpointId, outcome, outcome);
            long[] after = {start == null ? 0 : start};
            return () -> {
                List<Map<String, Object>> recorded = jdbc.queryForList("""
                        SELECT a.id, a.delivery_id, a.attempt_number, a.url, a.response_status, a.duration_ms, a.error_message,
                               a.outcome, a.created_at, d.event_id, d.endpoint_id
                        %s AND a.id > ? ORDER BY a.id LIMIT %d""".formatted(matching, TAIL_BATCH),
                        tenantId, endpointId, endpointId, outcome, outcome, after[0]);
                if (recorded.isEmpty()) {
                    return null;
                }
                after[0] = ((Number) recorded.get(recorded.size() - 1).get("id")).longValue();
                return SseEmitter.event().name("attempt").data(rows.apply(recorded));
            };
        });
    }

    /** Takes the tenant's slot before the stream's first query, so a refused stream costs nothing. */
    private SseEmitter stream(UUID tenantId, Supplier<LiveStream.Poll> opening) {
        if (!running) {
            SseEmitter closed = new SseEmitter(STREAM_MILLIS);
            closed.complete();
            return closed;
        }
        StreamSlots.Slot slot = slots.take(tenantId);
        LiveStream.Poll poll;
        try {
            poll = opening.get();
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        AtomicReference<LiveStream> stream = new AtomicReference<>();
        stream.set(new LiveStream(new SseEmitter(STREAM_MILLIS), slot, poll, sender, () -> {
            open.remove(stream.get());
            ScheduledFuture<?> polling = task.get();
            if (polling != null) {
                polling.cancel(false);
            }
        }));
        open.add(stream.get());
        task.set(poller.scheduleWithFixedDelay(stream.get()::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS));
        // Its first poll may have ended it before the task was known to its end.
        if (!open.contains(stream.get())) {
            task.get().cancel(false);
        }
        return stream.get().emitter();
    }

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.forEach(LiveStream::close);
        open.clear();
        poller.shutdownNow();
        sender.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
