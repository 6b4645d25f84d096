package dev.webhookrelay.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged relay as a separate OS process, against this run's database and vhost: for tests
 * that kill it with SIGKILL or run two instances side by side.
 */
public final class RelayProcess implements AutoCloseable {

    public static final String ADMIN_TOKEN = "it-admin-token";

    private final int port;
    private final String name;
    private Process process;

    public RelayProcess(String name) {
        this.name = name;
        this.port = freePort();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public RelayProcess start() {
        TestServices.ensureCreated();
        String jar = System.getProperty("relay.jar", "target/webhook-relay-0.1.0-SNAPSHOT.jar");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-jar", jar,
                "--server.port=" + port,
                "--spring.datasource.url=" + TestServices.jdbcUrl(5432),
                "--spring.datasource.username=" + TestServices.DB_USER,
                "--spring.datasource.password=" + TestServices.DB_PASSWORD,
                "--spring.rabbitmq.host=" + TestServices.HOST,
                "--spring.rabbitmq.virtual-host=" + TestServices.VHOST,
                "--relay.admin-token=" + ADMIN_TOKEN,
                "--relay.delivery.allowed-networks=127.0.0.1/32",
                "--relay.delivery.retry-schedule=1s,2s,4s",
                "--relay.delivery.jitter-buckets=2",
                "--relay.delivery.connect-timeout=2s",
                "--relay.delivery.response-timeout=5s",
                "--relay.outbox.min-age=2s",
                // One tenant sends every event of these tests as fast as it can: not a quota test.
                "--relay.quotas.ingest-rate-per-second=100000",
                "--relay.quotas.ingest-burst=100000",
                "--camel.main.routes-include-pattern=file:routes/*.yaml"));
        try {
            File log = new File("target/relay-" + name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
            // From the environment, as in production: a key on the command line is visible to every local user.
            builder.environment().put("RELAY_SECRETS_MASTER_KEY", RelayIntegrationTest.MASTER_KEY);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        awaitReady(Duration.ofSeconds(90));
        return this;
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
