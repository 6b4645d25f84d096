package dev.webhookrelay.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A receiver for ordering tests: reads the event number {@code n} of each payload, answers 500 to the
 * first attempts of the events it is told to fail, 204 otherwise, and keeps the numbers it accepted in
 * arrival order and the most requests it ever had in progress at once.
 */
public final class OrderCheckingReceiver implements AutoCloseable {

    private static final Pattern NUMBER = Pattern.compile("\"n\":\\s*(\\d+)");

    private final HttpServer server;
    private final Map<Integer, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final List<Integer> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger mostInProgress = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    public OrderCheckingReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Event n's first {@code times} attempts get 500 (times < 0: every attempt). */
    public OrderCheckingReceiver failing(int n, int times) {
        failuresLeft.put(n, new AtomicInteger(times < 0 ? Integer.MAX_VALUE : times));
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Integer> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    public int mostInProgress() {
        return mostInProgress.get();
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inProgress.incrementAndGet();
        mostInProgress.accumulateAndGet(now, Math::max);
        requests.incrementAndGet();
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher number = NUMBER.matcher(body);
            int n = number.find() ? Integer.parseInt(number.group(1)) : -1;
            AtomicInteger left = failuresLeft.get(n);
            boolean fail = left != null && left.getAndDecrement() > 0;
            if (!fail) {
                accepted.add(n);
            }
            byte[] answer = ("{\"answer\":" + (fail ? 500 : 204) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } finally {
            inProgress.decrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
