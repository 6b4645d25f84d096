package dev.webhookrelay.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.support.TestServices;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.telemetry.TraceProcessorsInterceptStrategy;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs on a RabbitMQ vhost and a database of its own: the other test classes' cached application
 * contexts consume the shared vhost, and their spans (and their propagate-trace setting) are not this
 * context's; their reconcilers would republish this class's overdue deliveries into their vhost.
 */
@Import(OneTracePerEventTest.KeptSpans.class)
@TestPropertySource(properties = "relay.delivery.propagate-trace=true")
class OneTracePerEventTest extends RelayIntegrationTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final String OWN_VHOST = TestServices.VHOST + "-tracing";

    @DynamicPropertySource
    static void ownVhost(DynamicPropertyRegistry registry) {
        TestServices.ownVhost("tracing");
        // An address names its vhost and takes precedence over spring.rabbitmq.virtual-host, which the
        // base class sets (its dynamic properties are registered after these).
        registry.add("spring.rabbitmq.addresses", () -> "amqp://" + TestServices.HOST + ":" + RABBITMQ.port() + "/" + OWN_VHOST);
        // Likewise Hikari's own URL is bound onto the pool after spring.datasource.url, so it wins.
        registry.add("spring.datasource.hikari.jdbc-url", () -> TestServices.ownDatabase(POSTGRES.port(), "tracing"));
    }

    @Autowired
    private ConnectionFactory rabbit;

    @Autowired
    private CamelContext camel;

    @TestConfiguration(proxyBeanMethods = false)
    static class KeptSpans {
        @Bean
        SpanProcessor keptSpans() {
            return SimpleSpanProcessor.create(SPANS);
        }
    }

    /** The tracer makes no span per processor, so no step of any route goes through its wrapper. */
    @Test
    void noRouteStepIsWrappedForProcessorSpansThatAreNotMade() {
        assertThat(camel.getCamelContextExtension().getInterceptStrategies())
                .noneMatch(TraceProcessorsInterceptStrategy.class::isInstance);
        assertThat(camel.getRoutes()).isNotEmpty();
    }

    @Test
    void anEventRetriedOnceAndReplayedIsOneTraceFromTheCallersRequestToEveryAttempt() {
        assertThat(rabbit.getVirtualHost()).isEqualTo(OWN_VHOST);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpanId = traceId.substring(0, 16);
        try (TestReceiver receiver = new TestReceiver(TestReceiver.Reply.status(500), TestReceiver.Reply.status(200))) {
            String key = createTenant("traced");
            createEndpoint(key, receiver.url(), "[]");
            Response accepted = post("/v1/events", "{\"type\":\"order.created\",\"payload\":{\"n\":1}}",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json",
                            "traceparent", "00-" + traceId + "-" + callerSpanId + "-01"));
            assertThat(accepted.status()).isEqualTo(202);
            UUID deliveryId = UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));

            await().atMost(Duration.ofSeconds(20)).until(() -> attemptSpans(trace(traceId)).size() == 2
                    && consumedWorkMessages(trace(traceId)).size() == 2);
            List<SpanData> trace = trace(traceId);
            Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));

            SpanData ingest = trace.stream().filter(s -> s.getName().equals("/v1/events")).findFirst().orElseThrow();
            assertThat(ingest.getParentSpanId()).as("the caller's traceparent is continued").isEqualTo(callerSpanId);

            List<SpanData> attempts = attemptSpans(trace);
            // Attempt 1 got the 500, or, on a cold start, ran out its 1 s deadline: either way it was retried.
            assertThat(attempts.get(0).getAttributes().get(STATUS)).isNotEqualTo(200L);
            assertThat(attempts.get(1).getAttributes().get(STATUS)).isEqualTo(200L);
            List<SpanData> consumers = consumedWorkMessages(trace);
            SpanData firstConsumer = consumers.get(0);
            SpanData secondConsumer = consumers.get(1);

            assertThat(ancestors(firstConsumer, byId)).as("attempt 1 is consumed in the ingest's trace").contains(ingest);
            assertThat(ancestors(attempts.get(0), byId)).contains(firstConsumer, ingest);
            assertThat(ancestors(secondConsumer, byId)).as("attempt 2 comes out of attempt 1's wait queue")
                    .contains(firstConsumer, ingest);
            assertThat(ancestors(attempts.get(1), byId)).contains(secondConsumer, firstConsumer, ingest);

            List<String> sent = attempts.stream().map(a -> "00-" + traceId + "-" + a.getSpanId() + "-01").toList();
            List<TestReceiver.Received> received = receiver.received();
            assertThat(received).allSatisfy(request -> assertThat(sent).contains(request.header("traceparent")));
            assertThat(received.get(received.size() - 1).header("traceparent")).isEqualTo(sent.get(1));

            // A replay, requested outside any trace, is delivered in the event's trace, under its ingest.
            assertThat(post("/v1/deliveries/" + deliveryId + "/replay", null, as(key)).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> attemptSpans(trace(traceId)).size() == 3
                    && consumedWorkMessages(trace(traceId)).size() == 3);
            List<SpanData> replayed = trace(traceId);
            Map<String, SpanData> replayedById = replayed.stream()
                    .collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
            SpanData replayConsumer = consumedWorkMessages(replayed).get(2);
            assertThat(ancestors(replayConsumer, replayedById)).contains(ingest).doesNotContain(firstConsumer, secondConsumer);
            assertThat(SPANS.getFinishedSpanItems()).as("timer-driven sweeps start no traces")
                    .noneMatch(span -> "camel-timer".equals(span.getAttributes().get(AttributeKey.stringKey("component"))));
            List<TestReceiver.Received> all = receiver.received();
            assertThat(all.get(all.size() - 1).header("traceparent"))
                    .isEqualTo("00-" + traceId + "-" + attemptSpans(replayed).get(2).getSpanId() + "-01");
        }
    }

    @Test
    void aDeliveryWhoseMessageTheBrokerLostIsRepublishedByTheReconcilerInItsEventsTrace() throws Exception {
        assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).endsWith("_tracing");
        String traceId = UUID.randomUUID().toString().replace("-", "");
        try (TestReceiver receiver = new TestReceiver()) {
            String key = createTenant("traced-reconcile");
            createEndpoint(key, receiver.url(), "[]");
            UUID deliveryId;
            // Nothing consumes while the delivery's message is lost, purged from relay.work, and the
            // outbox sweeper leaves it to the reconciler.
            camel.getRouteController().stopRoute("consume-work-queue", 5, TimeUnit.SECONDS);
            camel.getRouteController().stopRoute("sweep-outbox");
            try {
                Response accepted = post("/v1/events", "{\"type\":\"order.created\",\"payload\":{\"n\":2}}",
                        Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json",
                                "traceparent", "00-" + traceId + "-" + traceId.substring(16) + "-01"));
                assertThat(accepted.status()).isEqualTo(202);
                deliveryId = UUID.fromString(accepted.json().get("deliveries").get(0).get("id").asText());
                TestServices.management("DELETE", "queues/" + URLEncoder.encode(OWN_VHOST, StandardCharsets.UTF_8)
                        + "/relay.work/contents", null);
                // As if it were a retry whose wait queue was deleted, overdue now rather than after
                // relay.reconcile.grace: the next reconcile (every second) republishes it.
                jdbc.update("UPDATE deliveries SET status = 'RETRY_SCHEDULED', next_attempt_at = now() - interval '1 hour' "
                        + "WHERE id = ?", deliveryId);
            } finally {
                camel.getRouteController().startRoute("sweep-outbox");
                camel.getRouteController().startRoute("consume-work-queue");
            }
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(20));
            assertThat(jdbc.queryForObject("SELECT reconciled_at IS NOT NULL FROM deliveries WHERE id = ?", Boolean.class,
                    deliveryId)).as("republished by the reconciler").isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> attemptSpans(trace(traceId)).size() == 1
                    && consumedWorkMessages(trace(traceId)).size() == 1);
            List<SpanData> trace = trace(traceId);
            Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
            SpanData ingest = trace.stream().filter(s -> s.getName().equals("/v1/events")).findFirst().orElseThrow();
            SpanData republished = consumedWorkMessages(trace).get(0);
            assertThat(ancestors(republished, byId)).as("the republished message is consumed under the event's ingest")
                    .contains(ingest);
            assertThat(ancestors(attemptSpans(trace).get(0), byId)).contains(republished, ingest);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    private static List<SpanData> trace(String traceId) {
        return SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** The delivery client's spans, one per HTTP attempt, in the order they started. */
    private static List<SpanData> attemptSpans(List<SpanData> spans) {
        return spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    /** Camel's spans of work messages received from RabbitMQ, in the order they started. */
    private static List<SpanData> consumedWorkMessages(List<SpanData> spans) {
        return spans.stream()
                .filter(s -> "camel-spring-rabbitmq".equals(s.getAttributes().get(AttributeKey.stringKey("component")))
                        && "EVENT_RECEIVED".equals(s.getAttributes().get(AttributeKey.stringKey("op"))))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    /** The span's parent, its parent's parent, and so on, as far as the trace's spans go. */
    private static List<SpanData> ancestors(SpanData span, Map<String, SpanData> byId) {
        List<SpanData> ancestors = new ArrayList<>();
        SpanData parent = byId.get(span.getParentSpanId());
        while (parent != null) {
            ancestors.add(parent);
            parent = byId.get(parent.getParentSpanId());
        }
        return ancestors;
    }
}
