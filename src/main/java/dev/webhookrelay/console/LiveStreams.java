package dev.webhookrelay.console;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's server-sent event streams. Each open stream polls PostgreSQL once a second (the
 * attempts and deliveries tables are the source of truth on every instance, whichever consumed the
 * message) and sends only what changed. Streams end after a few minutes, and htmx reconnects;
 * they are all closed before the web server's graceful shutdown, which would otherwise wait for them.
 */
@Component
class LiveStreams implements SmartLifecycle {

    private static final long POLL_MILLIS = 1000;
    private static final long STREAM_MILLIS = 5 * 60 * 1000;
    private static final int TAIL_BATCH = 50;

    private final JdbcTemplate jdbc;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(1, task -> {
        Thread thread = new Thread(task, "console-live");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    LiveStreams(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A {@code deliveries} event carrying the statuses and attempt counts, each time they change. */
    SseEmitter eventChanges(UUID tenantId, UUID eventId) {
        String[] last = {null};
        return stream(emitter -> {
            String now = String.join(",", jdbc.queryForList("""
                    SELECT id::text || ':' || status || ':' || attempt_count FROM deliveries
                     WHERE event_id = ? AND tenant_id = ? ORDER BY id""", String.class, eventId, tenantId));
            if (!now.equals(last[0])) {
                last[0] = now;
                return SseEmitter.event().name("deliveries").data(now);
            }
            return null;
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
        Long start = jdbc.queryForObject("SELECT coalesce(min(id) - 1, 0) FROM (SELECT a.id " + matching
                + " AND a.created_at > now() - interval '1 hour' ORDER BY a.id DESC LIMIT %d) latest".formatted(TAIL_BATCH),
                Long.class, tenantId, endpointId, endpointId, outcome, outcome);
        long[] after = {start == null ? 0 : start};
        return stream(emitter -> {
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
        });
    }

    private interface Poll {
        SseEmitter.SseEventBuilder next(SseEmitter emitter);
    }

    private SseEmitter stream(Poll poll) {
        SseEmitter emitter = new SseEmitter(STREAM_MILLIS);
        if (!running) {
            emitter.complete();
            return emitter;
        }
        open.add(emitter);
        ScheduledFuture<?>[] task = {null};
        Runnable end = () -> {
            open.remove(emitter);
            if (task[0] != null) {
                task[0].cancel(false);
            }
        };
        emitter.onCompletion(end);
        emitter.onTimeout(end);
        emitter.onError(error -> end.run());
        task[0] = poller.scheduleWithFixedDelay(() -> {
            try {
                SseEmitter.SseEventBuilder event = poll.next(emitter);
                if (event != null) {
                    emitter.send(event);
                }
            } catch (IOException | RuntimeException e) {
                end.run();
                emitter.completeWithError(e);
            }
        }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return emitter;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        open.forEach(SseEmitter::complete);
        open.clear();
        poller.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
