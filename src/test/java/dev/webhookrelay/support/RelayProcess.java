package dev.webhookrelay.support;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged relay as a separate OS process, against this run's database and vhost: for tests
 * that kill it with SIGKILL or run two instances side by side.
 */
public final class RelayProcess implements AutoCloseable {

    public static final String ADMIN_TOKEN = "it-admin-token";

    private final int port;
    private final String name;
    private final Map<String, String> settings;
    private Process process;
    private long logOffset;

    public RelayProcess(String name) {
        this(name, Map.of());
    }

    /**
     * With settings that replace or add to this run's (another database, a RabbitMQ cluster): each
     * key is given once, since Spring joins a key repeated on the command line into a list.
     */
    public RelayProcess(String name, Map<String, String> settings) {
        this.name = name;
        this.port = freePort();
        this.settings = settings;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public RelayProcess start() {
        // The run's database and vhost, unless the settings replace both (a relay on another broker).
        if (!settings.containsKey("spring.datasource.url") || !settings.containsKey("spring.rabbitmq.virtual-host")) {
            TestServices.ensureCreated();
        }
        String jar = System.getProperty("relay.jar", "target/webhook-relay-0.1.0-SNAPSHOT.jar");
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put("server.port", String.valueOf(port));
        arguments.put("spring.datasource.url", TestServices.jdbcUrl(5432));
        arguments.put("spring.datasource.username", TestServices.DB_USER);
        arguments.put("spring.datasource.password", TestServices.DB_PASSWORD);
        arguments.put("spring.rabbitmq.host", TestServices.HOST);
        arguments.put("spring.rabbitmq.virtual-host", TestServices.VHOST);
        arguments.put("relay.admin-token", ADMIN_TOKEN);
        arguments.put("relay.delivery.allowed-networks", "127.0.0.1/32");
        arguments.put("relay.delivery.retry-schedule", "1s,2s,4s");
        arguments.put("relay.delivery.jitter-buckets", "2");
        arguments.put("relay.delivery.connect-timeout", "2s");
        arguments.put("relay.delivery.response-timeout", "5s");
        // A killed relay's claims end 10 s after they were made, not 35 s: the kill tests wait for them.
        arguments.put("relay.delivery.claim-lease-margin", "5s");
        arguments.put("relay.outbox.min-age", "2s");
        // One tenant sends every event of these tests as fast as it can: not a quota test.
        arguments.put("relay.quotas.ingest-rate-per-second", "100000");
        arguments.put("relay.quotas.ingest-burst", "100000");
        arguments.put("camel.main.routes-include-pattern", "file:routes/*.yaml");
        arguments.putAll(settings);
        // C1 only: the JIT's share of a start is what makes two relays starting side by side on the
        // suite's 2 cores take 45 s instead of 29 s. These tests prove behaviour, not speed.
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-jar", jar));
        arguments.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            File log = log().toFile();
            logOffset = log.length();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            // From the environment, as in production: a key on the command line is visible to every local user.
            builder.environment().put("RELAY_SECRETS_MASTER_KEY", RelayIntegrationTest.MASTER_KEY);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // A hang guard: on a 2-core machine shared with other builds a relay has taken over 100 s to start.
        awaitReady(Duration.ofSeconds(180));
        return this;
    }

    /** What this process has logged (its log file is appended to by every run of this name). */
    public List<String> logLines() {
        try (RandomAccessFile file = new RandomAccessFile(log().toFile(), "r")) {
            file.seek(logOffset);
            byte[] bytes = new byte[(int) (file.length() - logOffset)];
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path log() {
        return Path.of("target", "relay-" + name + ".log");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no graceful stop, unacked messages and open transactions abandoned. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration within) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("relay " + name + " exited; see target/relay-" + name + ".log");
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create(baseUrl() + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException("relay " + name + " not ready within " + within);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
