package dev.webhookrelay.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real PostgreSQL and RabbitMQ of this machine, isolated per test run: a database and a vhost
 * named after the run, so a test run never touches a running relay's tables or queues. Both are
 * dropped when the run ends; leftovers of killed runs older than 30 minutes are dropped at start.
 * A test class whose context must not share rows with the others' (their reconcilers and sweepers
 * would race it) gets a database of its own, named after the run too ({@link #ownDatabase}).
 */
public final class TestServices {

    public static final String HOST = System.getProperty("relay.test.host", "127.0.0.1");
    public static final String DB_USER = System.getProperty("relay.test.db-user", "relay");
    public static final String DB_PASSWORD = System.getProperty("relay.test.db-password", "relay");
    public static final String RABBIT_USER = "guest";
    public static final String RABBIT_PASSWORD = "guest";
    private static final String MANAGEMENT = "http://" + HOST + ":15672/api";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final Pattern STAMPED = Pattern.compile("relay_test_(\\d{14})_(\\d+)(?:_[a-z]+)?|relay-test-(\\d{14})-(\\d+)(-.*)?");

    public static final String RUN = LocalDateTime.now().format(STAMP) + "_" + ProcessHandle.current().pid();
    public static final String DATABASE = "relay_test_" + RUN;
    public static final String VHOST = "relay-test-" + RUN.replace('_', '-');

    private static boolean created;
    private static final Set<String> OWN_DATABASES = new LinkedHashSet<>();

    private TestServices() {
    }

    public static synchronized void ensureCreated() {
        if (created) {
            return;
        }
        try {
            createDatabase();
            createVhost();
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL and RabbitMQ must be running: bash .ci/services", e);
        }
        created = true;
        Runtime.getRuntime().addShutdownHook(new Thread(TestServices::dropQuietly, "drop-test-services"));
    }

    /** Removes this run's databases and vhost; FORCE ends the connections a closing context still holds. */
    private static void dropQuietly() {
        List<String> databases = new ArrayList<>(List.of(DATABASE));
        synchronized (TestServices.class) {
            databases.addAll(OWN_DATABASES);
        }
        for (String database : databases) {
            try (Connection admin = DriverManager.getConnection(
                    "jdbc:postgresql://" + HOST + ":5432/postgres", DB_USER, DB_PASSWORD)) {
                admin.createStatement().execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("Could not drop test database " + database + ": " + e.getMessage());
            }
        }
        try {
            send(http(), "DELETE", "/vhosts/" + encode(VHOST), null);
        } catch (Exception e) {
            System.err.println("Could not delete test vhost " + VHOST + ": " + e.getMessage());
        }
    }

    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
    }

    /**
     * A vhost of this run's for a test context of its own (its broker traffic apart from the
     * others'), with the test user's permissions; deleted when the JVM ends, or as stale by a later run.
     * Returns its name.
     */
    public static String ownVhost(String suffix) {
        ensureCreated();
        String name = VHOST + "-" + suffix;
        String vhost = URLEncoder.encode(name, StandardCharsets.UTF_8);
        management("PUT", "vhosts/" + vhost, "{}");
        management("PUT", "permissions/" + vhost + "/" + RABBIT_USER,
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                management("DELETE", "vhosts/" + vhost, null);
            } catch (RuntimeException e) {
                // Left behind, it is deleted as stale by a later run.
            }
        }, "drop-" + name));
        return name;
    }

    /**
     * The URL of a database of this run's named {@code suffix} (lower-case letters), created empty on
     * first use and dropped with the run's: the relay's Flyway migrates it when its context starts.
     */
    public static synchronized String ownDatabase(int port, String suffix) {
        ensureCreated();
        String database = DATABASE + "_" + suffix;
        if (OWN_DATABASES.add(database)) {
            try (Connection admin = DriverManager.getConnection(
                    "jdbc:postgresql://" + HOST + ":5432/postgres", DB_USER, DB_PASSWORD)) {
                admin.createStatement().execute("CREATE DATABASE \"" + database + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL must be running: bash .ci/services", e);
            }
        }
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    private static void createDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + ":5432/postgres", DB_USER, DB_PASSWORD)) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = admin.createStatement().executeQuery(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'relay\\_test\\_%'")) {
                while (rs.next()) {
                    if (isStale(rs.getString(1))) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String name : stale) {
                admin.createStatement().execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
            admin.createStatement().execute("CREATE DATABASE \"" + DATABASE + "\"");
        }
    }

    private static void createVhost() throws Exception {
        HttpClient http = http();
        String vhosts = send(http, "GET", "/vhosts", null);
        Matcher names = Pattern.compile("\"name\":\"(relay-test-[^\"]+)\"").matcher(vhosts);
        while (names.find()) {
            if (isStale(names.group(1))) {
                send(http, "DELETE", "/vhosts/" + encode(names.group(1)), null);
            }
        }
        send(http, "PUT", "/vhosts/" + encode(VHOST), "{}");
        send(http, "PUT", "/permissions/" + encode(VHOST) + "/" + RABBIT_USER,
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    /**
     * What the management UI's "Move messages" does with the dead-letter queue: a dynamic shovel of
     * everything in relay.dead-letter to relay.work, deleted once the queue is empty.
     */
    public static void moveDeadLettersToTheWorkQueue(String shovel) {
        String local = "amqp:///" + VHOST;
        management("PUT", "parameters/shovel/{vhost}/" + shovel, """
                {"value": {"src-protocol": "amqp091", "src-uri": "%s", "src-queue": "relay.dead-letter",
                           "src-delete-after": "queue-length",
                           "dest-protocol": "amqp091", "dest-uri": "%s", "dest-queue": "relay.work"}}"""
                .formatted(local, local));
    }

    /** Whether this run's vhost has the queue now (the management API answers 404 for one it has not). */
    public static boolean queueExists(String queue) {
        try {
            management("GET", "queues/{vhost}/" + queue, null);
            return true;
        } catch (IllegalStateException notFound) {
            return false;
        }
    }

    /** Runs a management API call against this run's vhost, e.g. {@code queues/{vhost}/relay.work}. */
    public static String management(String method, String pathWithVhost, String body) {
        try {
            return send(http(), method, "/" + pathWithVhost.replace("{vhost}", encode(VHOST)), body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String send(HttpClient http, String method, String path, String body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((RABBIT_USER + ":" + RABBIT_PASSWORD).getBytes());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(MANAGEMENT + path))
                .header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** HTTP/1.1 only: the management API's server drops a POST that offers an h2c upgrade. */
    private static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private static boolean isStale(String name) {
        Matcher m = STAMPED.matcher(name);
        if (!m.matches()) {
            return false;
        }
        boolean database = m.group(1) != null;
        String stamp = database ? m.group(1) : m.group(3);
        long pid = Long.parseLong(database ? m.group(2) : m.group(4));
        // A run on a busy machine can outlast any age limit: only a run whose JVM is gone is stale.
        return LocalDateTime.parse(stamp, STAMP).isBefore(LocalDateTime.now().minusMinutes(30))
                && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
