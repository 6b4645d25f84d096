package dev.webhookrelay.support;

import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.admin.EndpointAdmin;
import dev.webhookrelay.admin.EndpointFilters;
import dev.webhookrelay.admin.EndpointTrials;
import dev.webhookrelay.admin.FifoHeads;
import dev.webhookrelay.admin.OperationalWebhookAdmin;
import dev.webhookrelay.admin.TenantAdmin;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.AdminTokenGuard;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.broker.BrokerConnection;
import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.broker.WorkQueueAcks;
import dev.webhookrelay.broker.WorkQueueProgress;
import dev.webhookrelay.delivery.AttemptRecorder;
import dev.webhookrelay.delivery.BrokerDeadLetterRecorder;
import dev.webhookrelay.delivery.CircuitBreaker;
import dev.webhookrelay.delivery.DeliveryClaim;
import dev.webhookrelay.delivery.DeliveryClient;
import dev.webhookrelay.delivery.DeliveryMetrics;
import dev.webhookrelay.delivery.EndpointAuthentication;
import dev.webhookrelay.delivery.EndpointRateLimiter;
import dev.webhookrelay.delivery.FifoOrder;
import dev.webhookrelay.delivery.GoneEndpoints;
import dev.webhookrelay.delivery.InFlightLimiter;
import dev.webhookrelay.delivery.PayloadTransformer;
import dev.webhookrelay.delivery.PostgresReachability;
import dev.webhookrelay.delivery.PostponedDeliveries;
import dev.webhookrelay.delivery.RefusedPublish;
import dev.webhookrelay.delivery.ResponseClassifier;
import dev.webhookrelay.delivery.RetryPolicy;
import dev.webhookrelay.delivery.WebhookRequest;
import dev.webhookrelay.delivery.WorkMessageReader;
import dev.webhookrelay.delivery.WorkPublisher;
import dev.webhookrelay.eventtypes.EventTypeCheck;
import dev.webhookrelay.ingest.AcceptedEvent;
import dev.webhookrelay.ingest.AcceptedEvent.AcceptedDelivery;
import dev.webhookrelay.ingest.AcceptedEventResponder;
import dev.webhookrelay.ingest.EventStore;
import dev.webhookrelay.ingest.IngestMetrics;
import dev.webhookrelay.ingest.IngestRequestParser;
import dev.webhookrelay.ingest.StoredIdempotentAnswer;
import dev.webhookrelay.outbox.OutboxSweeper;
import dev.webhookrelay.outbox.WorkMessages;
import dev.webhookrelay.query.DeliveryQueries;
import dev.webhookrelay.query.EventQueries;
import dev.webhookrelay.quota.IngestRateLimiter;
import dev.webhookrelay.reconcile.DeliveryReconciler;
import dev.webhookrelay.replay.ReplayService;
import dev.webhookrelay.retention.DataRetention;
import dev.webhookrelay.retention.HistoryPartitions;
import dev.webhookrelay.sources.SourceAdmin;
import dev.webhookrelay.sources.SourceReceiver;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Base of the fast route tier: each stage's routing decisions in seconds, without PostgreSQL or
 * RabbitMQ. The YAML routes run as written, calling Mockito mocks under the bean ids their
 * {@code ref:}s name; consumers and infrastructure sends are replaced as {@link FastRouteTier} says
 * (a timer route, for instance, is started by sending to {@code direct:<route id>}). The integration
 * tests (RelayIntegrationTest) stay the proofs that the real services behave.
 *
 * <p>Every test class of the tier extends this one and declares no configuration of its own (no
 * {@code @MockitoBean}, no properties: either would make Spring start a second context), so the tier
 * shares one Spring context, started once; the mocks are reset after each test. A test stubs the
 * mocks it needs, sends with {@link #call}, and asserts on the answer, the mocks, {@link #published},
 * or on {@code mock:<step id>} endpoints.
 *
 * <p>To add a stage (delivery and retry, say): add its route files to
 * {@code camel.main.routes-include-pattern} below, a {@code @MockitoBean} here for each bean id its
 * routes call that none declares yet (or a real or stand-in bean in {@link FastRouteTier} when the
 * routes depend on what it does), and an {@code id} to every step that sends to an
 * {@link FastRouteTier#INFRASTRUCTURE} component: it becomes {@code mock:<id>}. Its spring-rabbitmq
 * consumer becomes {@code direct:<route id>}. Then write the stage's test class against those ids.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = FastRouteTier.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "camel.main.routes-include-pattern=file:routes/api.camel.yaml,file:routes/ingest.camel.yaml,"
        + "file:routes/admin.camel.yaml,file:routes/replay.camel.yaml,file:routes/reconcile.camel.yaml,"
        + "file:routes/retention.camel.yaml,file:routes/delivery.camel.yaml,file:routes/retry.camel.yaml,"
        + "file:routes/operational.camel.yaml,file:routes/sources.camel.yaml",
    "camel.main.jmx-enabled=false",
    "spring.jmx.enabled=false",
    "spring.main.banner-mode=off"})
public abstract class FastRouteTest {

    protected static final UUID TENANT = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    protected static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    protected CamelContext camel;
    @Autowired
    protected ProducerTemplate producer;
    @Autowired
    protected RecordingTransactionManager transactions;
    @Autowired
    protected MemoryIdempotentRepository idempotencyRepository;

    @MockitoBean(name = "apiKeyAuthenticator")
    protected ApiKeyAuthenticator apiKeyAuthenticator;
    @MockitoBean(name = "adminTokenGuard")
    protected AdminTokenGuard adminTokenGuard;
    @MockitoBean(name = "ingestMetrics")
    protected IngestMetrics ingestMetrics;
    @MockitoBean(name = "ingestRateLimiter")
    protected IngestRateLimiter ingestRateLimiter;
    @MockitoBean(name = "ingestRequestParser")
    protected IngestRequestParser ingestRequestParser;
    @MockitoBean(name = "eventStore")
    protected EventStore eventStore;
    @MockitoBean(name = "storedIdempotentAnswer")
    protected StoredIdempotentAnswer storedIdempotentAnswer;
    @MockitoBean(name = "eventTypeCheck")
    protected EventTypeCheck eventTypeCheck;
    @MockitoBean(name = "acceptedEventResponder")
    protected AcceptedEventResponder acceptedEventResponder;
    @MockitoBean(name = "workMessages")
    protected WorkMessages workMessages;
    @MockitoBean(name = "workPublisher")
    protected WorkPublisher workPublisher;
    @MockitoBean(name = "outboxSweeper")
    protected OutboxSweeper outboxSweeper;
    @MockitoBean(name = "tenantAdmin")
    protected TenantAdmin tenantAdmin;
    @MockitoBean(name = "endpointAdmin")
    protected EndpointAdmin endpointAdmin;
    @MockitoBean(name = "eventQueries")
    protected EventQueries eventQueries;
    @MockitoBean(name = "deliveryQueries")
    protected DeliveryQueries deliveryQueries;
    @MockitoBean(name = "replayService")
    protected ReplayService replayService;
    @MockitoBean(name = "deliveryReconciler")
    protected DeliveryReconciler deliveryReconciler;
    @MockitoBean(name = "endpointFilters")
    protected EndpointFilters endpointFilters;
    @MockitoBean(name = "fifoHeads")
    protected FifoHeads fifoHeads;
    @MockitoBean(name = "operationalWebhookAdmin")
    protected OperationalWebhookAdmin operationalWebhookAdmin;
    @MockitoBean(name = "dataRetention")
    protected DataRetention dataRetention;

    @MockitoBean(name = "historyPartitions")
    protected HistoryPartitions historyPartitions;
    @MockitoBean(name = "workQueueAcks")
    protected WorkQueueAcks workQueueAcks;
    @MockitoBean(name = "workMessageReader")
    protected WorkMessageReader workMessageReader;
    @MockitoBean(name = "workQueueProgress")
    protected WorkQueueProgress workQueueProgress;
    @MockitoBean(name = "endpointRateLimiter")
    protected EndpointRateLimiter endpointRateLimiter;
    @MockitoBean(name = "postponedDeliveries")
    protected PostponedDeliveries postponedDeliveries;
    @MockitoBean(name = "inFlightLimiter")
    protected InFlightLimiter inFlightLimiter;
    @MockitoBean(name = "deliveryClaim")
    protected DeliveryClaim deliveryClaim;
    @MockitoBean(name = "webhookRequest")
    protected WebhookRequest webhookRequest;
    @MockitoBean(name = "deliveryClient")
    protected DeliveryClient deliveryClient;
    @MockitoBean(name = "endpointAuthentication")
    protected EndpointAuthentication endpointAuthentication;
    @MockitoBean(name = "payloadTransformer")
    protected PayloadTransformer payloadTransformer;
    @MockitoBean(name = "endpointTrials")
    protected EndpointTrials endpointTrials;
    @MockitoBean(name = "responseClassifier")
    protected ResponseClassifier responseClassifier;
    @MockitoBean(name = "retryPolicy")
    protected RetryPolicy retryPolicy;
    @MockitoBean(name = "goneEndpoints")
    protected GoneEndpoints goneEndpoints;
    @MockitoBean(name = "attemptRecorder")
    protected AttemptRecorder attemptRecorder;
    @MockitoBean(name = "deliveryMetrics")
    protected DeliveryMetrics deliveryMetrics;
    @MockitoBean(name = "circuitBreaker")
    protected CircuitBreaker circuitBreaker;
    @MockitoBean(name = "fifoOrder")
    protected FifoOrder fifoOrder;
    @MockitoBean(name = "postgresReachability")
    protected PostgresReachability postgresReachability;
    @MockitoBean(name = "brokerDeadLetterRecorder")
    protected BrokerDeadLetterRecorder brokerDeadLetterRecorder;
    @MockitoBean(name = "brokerConnection")
    protected BrokerConnection brokerConnection;
    @MockitoBean(name = "sourceAdmin")
    protected SourceAdmin sourceAdmin;
    @MockitoBean(name = "sourceReceiver")
    protected SourceReceiver sourceReceiver;

    /** The delivery id of every work message handed to workPublisher for the work queue, alone or in a batch, in order. */
    protected final List<String> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startTheTierAndRecordPublishes() throws Exception {
        FastRouteTier.adviseAndStart(camel);
        authenticatedAs(TENANT);
        when(brokerConnection.matches(any())).thenReturn(true);
        doAnswer(call -> {
            published.add(call.<WorkMessage>getArgument(0).deliveryId().toString());
            return null;
        }).when(workPublisher).toWorkQueue(any());
        doAnswer(call -> {
            call.<List<WorkMessage>>getArgument(0).forEach(message -> published.add(message.deliveryId().toString()));
            return List.of();
        }).when(workPublisher).allToWorkQueue(any());
    }

    /**
     * Exchanges still in flight from this test finish before the next test's mocks and recorders, and
     * the next test's ingest finds the publish circuit breaker closed.
     */
    @AfterEach
    void forgetThisTestsState() {
        await().atMost(Duration.ofSeconds(30)).until(() -> camel.getInflightRepository().size() == 0);
        MockEndpoint.resetMocks(camel);
        camel.getProcessor("accepted-publish-breaker", ResilienceProcessor.class).transitionToCloseState();
        idempotencyRepository.clear();
        transactions.reset();
    }

    /** The tenant and ingest APIs accept the caller as this tenant, as ApiKeyAuthenticator does for a valid full-scope key. */
    protected void authenticatedAs(UUID tenant) throws Exception {
        org.mockito.stubbing.Answer<Void> asTenant = call -> {
            call.<Exchange>getArgument(0).setProperty("relayTenantId", tenant);
            return null;
        };
        doAnswer(asTenant).when(apiKeyAuthenticator).authenticate(any());
        doAnswer(asTenant).when(apiKeyAuthenticator).authenticateFullScope(any());
    }

    /** A refusal of the kind the relay's beans throw: rendered as application/problem+json by problemResponder. */
    protected static RuntimeException problem(int status, String detail, String field) {
        return new ProblemException(status, "Problem " + status, detail, field);
    }

    /** A quota used up for now: 429 with Retry-After. */
    protected static RuntimeException tooManyRequests(Duration retryAfter) {
        return ProblemException.tooManyRequests("Over quota", retryAfter);
    }

    /** What the JDBC layer throws when PostgreSQL cannot be reached. */
    protected static RuntimeException databaseUnavailable() {
        return new CannotCreateTransactionException("Could not open JDBC Connection for transaction");
    }

    /**
     * Sends a request into a route as its consumer would hand it over, and reads the answer. A failure
     * the route leaves unhandled fails the test: the API routes answer every failure as a problem.
     */
    protected Answer call(String routeId, Object body, Map<String, Object> headers) {
        Exchange exchange = producer.request("direct:" + routeId, request -> {
            request.getMessage().setHeaders(new HashMap<>(headers));
            request.getMessage().setBody(body);
        });
        if (exchange.getException() != null) {
            throw new AssertionError("Route " + routeId + " failed", exchange.getException());
        }
        return Answer.of(exchange);
    }

    protected Answer call(String routeId) {
        return call(routeId, null, Map.of());
    }

    protected MockEndpoint mockAt(String stepId) {
        return MockEndpoint.resolve(camel, "mock:" + stepId);
    }

    protected List<String> publishedDeliveryIds() {
        return List.copyOf(published);
    }

    /**
     * eventStore stores the event with this many deliveries to the endpoint, and workMessages builds
     * the messages of that stored event (none of any other); returns the delivery ids.
     */
    protected List<String> theStoreAcceptsWithDeliveries(UUID endpoint, int count) throws Exception {
        List<String> deliveries = Stream.generate(UUID::randomUUID).limit(count).map(UUID::toString).toList();
        AcceptedEvent accepted = accepted(endpoint, deliveries);
        when(eventStore.store(any(), any())).thenReturn(accepted);
        when(workMessages.forAccepted(eq(accepted), any())).thenReturn(deliveries.stream()
                .map(id -> workMessage(UUID.fromString(id), endpoint, 1)).toList());
        return deliveries;
    }

    protected static AcceptedEvent accepted(UUID endpoint, List<String> deliveries) {
        return new AcceptedEvent(UUID.randomUUID(), "order.created", Instant.now(), deliveries.stream()
                .map(id -> new AcceptedDelivery(UUID.fromString(id), endpoint, "RECEIVED")).toList());
    }

    /** A work message as the relay's beans build it for publish-delivery. */
    protected static WorkMessage workMessage(UUID deliveryId, UUID endpointId, int attempt) {
        return new WorkMessage(deliveryId, endpointId, TENANT, attempt);
    }

    /** What workPublisher answers for a delivery the broker did not take. */
    protected static RefusedPublish refused(String deliveryId, String reason) {
        return new RefusedPublish(workMessage(UUID.fromString(deliveryId), UUID.randomUUID(), 1), reason);
    }

    /** An HTTP answer as the API route left it for platform-http. */
    public record Answer(Integer status, String contentType, Map<String, Object> headers, Exchange exchange) {

        static Answer of(Exchange exchange) {
            var message = exchange.getMessage();
            return new Answer(message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                    message.getHeader(Exchange.CONTENT_TYPE, String.class), message.getHeaders(), exchange);
        }

        public String text() {
            return exchange.getMessage().getBody(String.class);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(text());
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + text(), e);
            }
        }
    }
}
