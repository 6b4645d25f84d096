import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark receiver (run with `java bench/Receiver.java PORT`). /ok/* answers 204 at once and records
 * the end-to-end latency (now minus the event's "timestamp", i.e. its commit time); /flaky/N/* answers
 * each webhook-id's first N requests with 503, then 204; /hang/* on PORT+1 never answers in time.
 * GET /stats prints the 2xx answers, their distinct webhook-ids, p50 and p99 (of /ok), and the 503s;
 * POST /reset clears.
 */
public class Receiver {

    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":\"([^\"]+)\"");
    private static final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    private static final Set<String> ids = ConcurrentHashMap.newKeySet();
    private static final AtomicLong received = new AtomicLong();
    private static final AtomicLong refused = new AtomicLong();
    private static final Map<String, AtomicInteger> flakyRequests = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        // Without it the JDK server's split header/body writes meet the client's delayed ACK: +40 ms per request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(args[0]);
        // Healthy endpoints are answered on the server's dispatcher thread: no hand-off to a pool, so the
        // receiver costs the machine (which the relay shares) as little as possible per request.
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1000);
        server.createContext("/ok", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = TIMESTAMP.matcher(body);
            if (m.find()) {
                Instant committed = Instant.parse(m.group(1));
                latenciesMicros.add(java.time.Duration.between(committed, Instant.now()).toNanos() / 1000);
            }
            ids.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int failures = Integer.parseInt(exchange.getRequestURI().getPath().split("/")[2]);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (flakyRequests.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= failures) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
            } else {
                ids.add(id);
                received.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.createContext("/stats", exchange -> {
            List<Long> sorted;
            synchronized (latenciesMicros) {
                sorted = new ArrayList<>(latenciesMicros);
            }
            Collections.sort(sorted);
            String stats = String.format("received=%d distinct=%d p50_ms=%.1f p99_ms=%.1f refused=%d%n", received.get(),
                    ids.size(), percentile(sorted, 50), percentile(sorted, 99), refused.get());
            byte[] out = stats.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.createContext("/reset", exchange -> {
            latenciesMicros.clear();
            ids.clear();
            received.set(0);
            refused.set(0);
            flakyRequests.clear();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();

        // The endpoint that never answers in time, on the next port: each request holds a thread.
        HttpServer hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", port + 1), 1000);
        hanging.setExecutor(Executors.newCachedThreadPool());
        hanging.createContext("/hang", exchange -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        hanging.start();
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1000.0;
    }
}
