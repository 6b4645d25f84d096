package dev.webhookrelay.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A 3-node RabbitMQ cluster of this test run, started, killed and restarted by .ci/rabbit-cluster in a
 * directory under target/. Its node names and ports are its own (free ports found at start), so it
 * runs beside the machine's broker and beside another run's cluster; it is never joined to either.
 */
public final class RabbitCluster implements AutoCloseable {

    public static final int NODES = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int portBase;
    private final String namePrefix;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RabbitCluster(Path dir, int portBase, String namePrefix) {
        this.dir = dir;
        this.portBase = portBase;
        this.namePrefix = namePrefix;
    }

    public static RabbitCluster start() {
        try {
            Files.createDirectories(Path.of("target"));
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rabbit-cluster-");
            RabbitCluster cluster = new RabbitCluster(dir, freePortBase(), "relay-it" + ProcessHandle.current().pid() + "-c");
            cluster.script("start", dir.toString());
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For spring.rabbitmq.addresses: every node, host:port, comma-separated. */
    public String addresses() {
        return String.join(",", IntStream.rangeClosed(1, NODES).mapToObj(n -> "127.0.0.1:" + amqpPort(n)).toList());
    }

    public String nodeName(int node) {
        return namePrefix + node + "@localhost";
    }

    public int amqpPort(int node) {
        return portBase + node - 1;
    }

    /** SIGKILL: the node's connections drop at once, its queue replicas are gone until it is back. */
    public void kill(int node) {
        script("kill", String.valueOf(node), dir.toString());
    }

    /** Starts a killed node again on its data and returns once every running node sees it in the cluster. */
    public void restart(int node) {
        script("restart", String.valueOf(node), dir.toString());
    }

    public void createVhost(String vhost) {
        management(1, "PUT", "/vhosts/" + encode(vhost), "{}");
        management(1, "PUT", "/permissions/" + encode(vhost) + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    /** The client connections of every node, as the management API of a running node lists them. */
    public List<JsonNode> connections(int askedNode) {
        return list(management(askedNode, "GET", "/connections", null));
    }

    public List<String> queueNames(int askedNode, String vhost) {
        return list(management(askedNode, "GET", "/queues/" + encode(vhost), null)).stream()
                .map(q -> q.path("name").asText()).sorted().toList();
    }

    /** The nodes holding a member of this quorum queue. */
    public List<String> members(int askedNode, String vhost, String queue) {
        JsonNode q = read(management(askedNode, "GET", "/queues/" + encode(vhost) + "/" + encode(queue), null));
        return elements(q.path("members")).stream().map(JsonNode::asText).sorted().toList();
    }

    public String management(int node, String method, String path, String body) {
        String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (amqpPort(node) + 10000) + "/api" + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every node by its process id and removes their data (the logs stay under target/). */
    @Override
    public void close() {
        script("stop", dir.toString());
        for (int node = 1; node <= NODES; node++) {
            deleteRecursively(dir.resolve("c" + node).resolve("mnesia"));
        }
    }

    private void script(String... arguments) {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("bash", ".ci/rabbit-cluster"),
                Stream.of(arguments)).toList()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "script.log")));
        builder.environment().put("RABBIT_CLUSTER_NAME", namePrefix);
        builder.environment().put("RABBIT_CLUSTER_PORT_BASE", String.valueOf(portBase));
        try {
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("rabbit-cluster " + String.join(" ", arguments) + " hung; see " + dir);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("rabbit-cluster " + String.join(" ", arguments) + " failed; see "
                        + dir.resolve("script.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first base from 5711 up, in steps of 10, whose AMQP, management and distribution ports are all free. */
    private static int freePortBase() {
        for (int base = 5711; base < 6000; base += 10) {
            int candidate = base;
            if (IntStream.range(0, NODES).allMatch(i -> free(candidate + i) && free(candidate + 10000 + i)
                    && free(candidate + 20000 + i))) {
                return base;
            }
        }
        throw new IllegalStateException("no free ports for a RabbitMQ cluster between 5711 and 6000");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> list(String json) {
        return elements(read(json));
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.elements().forEachRemaining(elements::add);
        return elements;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            System.err.println("Could not delete " + path + ": " + e.getMessage());
        }
    }
}
