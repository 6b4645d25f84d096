package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.webhookrelay.support.RabbitCluster;
import dev.webhookrelay.support.RelayClient;
import dev.webhookrelay.support.RelayProcess;
import dev.webhookrelay.support.TestDatabase;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestReceiver.Received;
import dev.webhookrelay.support.TestReceiver.Reply;
import dev.webhookrelay.support.TestServices;
import org.junit.jupiter.api.Test;

/**
 * Two relays on a 3-node RabbitMQ cluster (.ci/rabbit-cluster; spring.rabbitmq.addresses lists the
 * three nodes, quorum queues have a replica on each) under steady load. A fifth of the events go to an
 * endpoint that fails: once (the delivery waits in a wait queue), or four times (it is dead-lettered,
 * then replayed through the API). One node is killed with SIGKILL, restarted and rejoins the cluster,
 * then another is killed; each time a node that held relay connections. Every accepted event is
 * delivered, duplicates are counted and reported, and the relays, never restarted, reconnect to the
 * surviving nodes. Short on purpose (the suite's budget); bench/cluster.sh runs it for minutes.
 */
class RelaysRideOutBrokerNodeLossIT {

    private static final int RATE_PER_SECOND = 40;
    /** At least this long, and until a few seconds after the second kill. */
    private static final Duration LOAD = Duration.ofSeconds(15);
    /** Every fifth event is for the flaky endpoint; every fourth of those fails until dead-lettered. */
    private static final int FLAKY_EVERY = 5;
    private static final int DOOMED_EVERY = 20;
    /** The relays' retry schedule (RelayProcess) is 1s,2s,4s: four attempts, then the dead-letter queue. */
    private static final int ATTEMPTS = 4;

    private static final Pattern DOOMED = Pattern.compile("\"doomed\"\\s*:\\s*true");

    private final Map<String, AtomicInteger> flakyRequests = new ConcurrentHashMap<>();
    private final Set<String> flakyDelivered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flakySuccesses = new AtomicInteger();

    @Test
    void everyAcceptedEventIsDeliveredWhileBrokerNodesDie() throws Exception {
        long begin = System.nanoTime();
        try (RabbitCluster cluster = RabbitCluster.start();
             TestReceiver steady = new TestReceiver(Reply.status(200));
             TestReceiver flaky = new TestReceiver(this::flakyAnswer)) {
            long clusterUp = System.nanoTime();
            cluster.createVhost(TestServices.VHOST);
            // The run's own database: the relays on this broker must not pick up the run's other deliveries.
            String database = TestServices.ownDatabase(5432, "cluster");
            // A short reconcile grace: RabbitMQ 3.10 can strand messages it dead-letters from a wait queue
            // after a node loss (README, "A RabbitMQ cluster"); the reconciler republishes those deliveries.
            Map<String, String> settings = Map.of(
                    "spring.datasource.url", database,
                    "spring.rabbitmq.addresses", cluster.addresses(),
                    "spring.rabbitmq.virtual-host", TestServices.VHOST,
                    "relay.rabbitmq.quorum-initial-group-size", String.valueOf(RabbitCluster.NODES),
                    "relay.reconcile.grace", "15s",
                    "relay.reconcile.interval", "5s");
            RelayProcess a = new RelayProcess("cluster-a", settings);
            RelayProcess b = new RelayProcess("cluster-b", settings);
            try (a; b) {
                CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start)).join();
                long relaysUp = System.nanoTime();
                RelayClient clientA = new RelayClient(a.baseUrl());
                RelayClient clientB = new RelayClient(b.baseUrl());
                String key = clientA.createTenant(RelayProcess.ADMIN_TOKEN, "cluster");
                clientA.createEndpoint(key, steady.url(), "\"eventTypes\":[\"steady.*\"]");
                String flakyId = clientA.createEndpoint(key, flaky.url(), "\"eventTypes\":[\"flaky.*\"]").get("id").asText();

                List<String> queues = cluster.queueNames(1, TestServices.VHOST);
                assertThat(queues).contains("relay.work", "relay.dead-letter");
                for (String queue : queues) {
                    assertThat(cluster.members(1, TestServices.VHOST, queue)).as("members of %s", queue)
                            .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, RabbitCluster.NODES)
                                    .mapToObj(cluster::nodeName).toList());
                }
                int connections = relayConnections(cluster, 1);
                int connectionsBefore = connectionsCreated(a) + connectionsCreated(b);

                // Steady load, each event posted to one relay and, until accepted, again to either.
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger refusedPosts = new AtomicInteger();
                ExecutorService senders = Executors.newFixedThreadPool(8);
                ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
                AtomicInteger offered = new AtomicInteger();
                AtomicBoolean offering = new AtomicBoolean(true);
                pacer.scheduleAtFixedRate(() -> {
                    if (offering.get()) {
                        int n = offered.getAndIncrement();
                        senders.submit(() -> post(n, n % 2 == 0 ? clientA : clientB, n % 2 == 0 ? clientB : clientA,
                                key, accepted, refusedPosts));
                    }
                }, 0, 1000 / RATE_PER_SECOND, TimeUnit.MILLISECONDS);
                long loadStart = System.nanoTime();

                List<String> kills = new ArrayList<>();
                Thread.sleep(3000);
                int first = nodeWithMostRelayConnections(cluster, List.of());
                kills.add(kill(cluster, first, connections, List.of(first)));
                Thread.sleep(2000);
                long restartAt = System.nanoTime();
                cluster.restart(first);
                kills.add("node " + first + " restarted, back with its replicas after " + millisSince(restartAt) + " ms");
                int second = nodeWithMostRelayConnections(cluster, List.of(first));
                kills.add(kill(cluster, second, connections, List.of(second)));
                Thread.sleep(Math.max(LOAD.toMillis() - millisSince(loadStart), 3000));
                offering.set(false);
                pacer.shutdown();
                assertThat(pacer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                senders.shutdown();
                assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
                long loadEnd = System.nanoTime();

                int events = offered.get();
                int flakyEvents = (events + FLAKY_EVERY - 1) / FLAKY_EVERY;
                int steadyEvents = events - flakyEvents;
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> distinct(steady) == steadyEvents);
                String unsettled = "SELECT count(*) FROM deliveries WHERE status NOT IN ('DELIVERED', 'DEAD_LETTERED')";
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> TestDatabase.count(database, unsettled) == 0);
                int deadLettered = TestDatabase.count(database, "SELECT count(*) FROM deliveries WHERE status = 'DEAD_LETTERED'");
                int replayed = clientB.replayDeadLetters(key, flakyId);
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> flakyDelivered.size() == flakyEvents);
                String delivered = "SELECT count(*) FROM deliveries WHERE status = 'DELIVERED'";
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> TestDatabase.count(database, delivered) == events);
                long done = System.nanoTime();
                int reconciled = TestDatabase.count(database, "SELECT count(*) FROM deliveries WHERE reconciled_at IS NOT NULL");

                int steadyDuplicates = steady.received().size() - distinct(steady);
                int flakyDuplicates = flakySuccesses.get() - flakyDelivered.size();
                int waitQueueRetries = flakyRequests.values().stream().mapToInt(AtomicInteger::get).sum()
                        - flakySuccesses.get();
                System.out.printf("""
                        Broker node loss: %d events accepted of %d offered (%d posts refused and retried), \
                        %d delivered (%d steady, %d flaky), duplicates %d (steady %d, flaky %d); \
                        %d failed flaky attempts retried through wait queues, %d dead-lettered and replayed (%d in the DLQ), \
                        %d republished by the reconciler;
                        %s;
                        relay connections created: a %d, b %d; relays restarted: none;
                        cluster start %d s, relays start %d s, load %d s, drain and replay %d s, total %d s%n""",
                        accepted.get(), events, refusedPosts.get(), distinct(steady) + flakyDelivered.size(),
                        distinct(steady), flakyDelivered.size(), steadyDuplicates + flakyDuplicates, steadyDuplicates,
                        flakyDuplicates, waitQueueRetries, replayed, deadLettered, reconciled, String.join("; ", kills),
                        connectionsCreated(a), connectionsCreated(b), secondsBetween(begin, clusterUp),
                        secondsBetween(clusterUp, relaysUp), secondsBetween(loadStart, loadEnd),
                        secondsBetween(loadEnd, done), secondsBetween(begin, done));

                assertThat(accepted.get()).isEqualTo(events);
                assertThat(TestDatabase.count(database, "SELECT count(*) FROM events")).isEqualTo(events);
                assertThat(distinct(steady)).isEqualTo(steadyEvents);
                assertThat(flakyDelivered).hasSize(flakyEvents);
                assertThat(replayed).isEqualTo(deadLettered).isPositive();
                assertThat(waitQueueRetries).isPositive();
                assertThat(a.isAlive() && b.isAlive()).as("both relays ran through, never restarted").isTrue();
                // Each kill took a node with relay connections: each time at least one relay connected again.
                assertThat(connectionsCreated(a) + connectionsCreated(b)).isGreaterThanOrEqualTo(connectionsBefore + 2);
            }
        }
    }

    /**
     * A flaky event fails its first attempt (503: a wait queue), a doomed one all four (the dead-letter
     * queue); the replay's attempt then succeeds.
     */
    private Reply flakyAnswer(Received request) {
        String id = request.header("webhook-id");
        int attempt = flakyRequests.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        int failures = DOOMED.matcher(request.body()).find() ? ATTEMPTS : 1;
        if (attempt <= failures) {
            return Reply.status(503);
        }
        flakySuccesses.incrementAndGet();
        flakyDelivered.add(id);
        return Reply.status(200);
    }

    private static Void post(int n, RelayClient first, RelayClient second, String key, AtomicInteger accepted,
            AtomicInteger refused) throws InterruptedException {
        String type = n % FLAKY_EVERY == 0 ? "flaky.created" : "steady.created";
        String payload = "{\"n\":" + n + ",\"doomed\":" + (n % DOOMED_EVERY == 0) + "}";
        // Same idempotency key on both relays: a retried post never makes a second event.
        while (first.postEvent(key, type, "cluster-" + n, payload) == null
                && second.postEvent(key, type, "cluster-" + n, payload) == null) {
            refused.incrementAndGet();
            Thread.sleep(100);
        }
        accepted.incrementAndGet();
        return null;
    }

    /** SIGKILLs the node and waits until the relays have as many connections as before, on the other nodes. */
    private static String kill(RabbitCluster cluster, int node, int connections, List<Integer> down) {
        long at = System.nanoTime();
        cluster.kill(node);
        int asked = IntStream.rangeClosed(1, RabbitCluster.NODES).filter(n -> !down.contains(n)).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> relayConnections(cluster, asked) >= connections);
        return "node " + node + " killed, relays connected again after " + millisSince(at) + " ms";
    }

    /** The node with the most relay connections (the ones in this run's vhost), among those not excluded. */
    private static int nodeWithMostRelayConnections(RabbitCluster cluster, List<Integer> excluded) {
        int asked = IntStream.rangeClosed(1, RabbitCluster.NODES).filter(n -> !excluded.contains(n)).findFirst().orElseThrow();
        Map<String, Long> perNode = cluster.connections(asked).stream()
                .filter(c -> TestServices.VHOST.equals(c.path("vhost").asText()))
                .collect(Collectors.groupingBy(c -> c.path("node").asText(), Collectors.counting()));
        return IntStream.rangeClosed(1, RabbitCluster.NODES).filter(n -> !excluded.contains(n)).boxed()
                .max(Comparator.comparingLong(n -> perNode.getOrDefault(cluster.nodeName(n), 0L))).orElseThrow();
    }

    private static int relayConnections(RabbitCluster cluster, int asked) {
        return (int) cluster.connections(asked).stream()
                .filter(c -> TestServices.VHOST.equals(c.path("vhost").asText())).count();
    }

    /** Spring's CachingConnectionFactory logs each connection it opens: the first, then one per reconnection. */
    private static int connectionsCreated(RelayProcess relay) {
        return (int) relay.logLines().stream().filter(line -> line.contains("Created new connection")).count();
    }

    private static int distinct(TestReceiver receiver) {
        return receiver.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()).size();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static long secondsBetween(long from, long to) {
        return Math.round((to - from) / 1e9);
    }
}
