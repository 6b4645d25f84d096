package dev.webhookrelay.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback that answers from a script (status, headers, delay per request,
 * the last entry repeating), or from a function of the request, and records every request it gets.
 */
public final class TestReceiver implements AutoCloseable {

    public record Reply(int status, Map<String, String> headers, Duration delay) {

        public static Reply status(int status) {
            return new Reply(status, Map.of(), Duration.ZERO);
        }

        public static Reply status(int status, String header, String value) {
            return new Reply(status, Map.of(header, value), Duration.ZERO);
        }

        public static Reply slow(Duration delay) {
            return new Reply(200, Map.of(), delay);
        }
    }

    /** requestUri: as on the request line; absolute (http://host/...) when the receiver is used as a proxy. */
    public record Received(Instant at, String requestUri, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    static {
        // Without it the JDK server's split header/body writes meet the client's delayed ACK: +40 ms per request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private volatile Reply last = Reply.status(200);
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final Function<Received, Reply> answer;

    public TestReceiver(Reply... replies) {
        script.addAll(List.of(replies));
        this.answer = request -> nextScripted();
        this.server = start();
    }

    /** A receiver whose reply depends on the request (e.g. on its webhook-id). */
    public TestReceiver(Function<Received, Reply> answer) {
        this.answer = answer;
        this.server = start();
    }

    private HttpServer start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
        return server;
    }

    /** From now on every request gets this reply (the receiver was fixed, or broke). */
    public void replyFromNow(Reply reply) {
        script.clear();
        last = reply;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(Instant.now(), exchange.getRequestURI().toString(), headers, body);
        received.add(request);
        Reply reply = answer.apply(request);
        try {
            Thread.sleep(reply.delay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] answer = ("{\"answer\":" + reply.status() + "}").getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(reply.status(), answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException clientGone) {
            // The relay timed out and closed the connection: expected in timeout tests.
        }
    }

    private Reply nextScripted() {
        Reply reply = script.poll();
        if (reply == null) {
            return last;
        }
        if (script.isEmpty()) {
            last = reply;
        }
        return reply;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
