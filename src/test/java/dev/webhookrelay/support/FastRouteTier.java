package dev.webhookrelay.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.webhookrelay.api.RelayOwnedHeaders;
import dev.webhookrelay.api.problem.ProblemResponder;
import dev.webhookrelay.delivery.AttemptQuestions;
import dev.webhookrelay.ingest.IngestExpressions;
import dev.webhookrelay.outbox.WorkMessageExpressions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.jackson.springboot.JacksonDataFormatAutoConfiguration;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The application of the fast route tier: Camel with the YAML routes of {@link FastRouteTest}, and only
 * the auto-configuration those routes need (no DataSource, RabbitMQ, Flyway, web server or actuator).
 * The beans the routes call are FastRouteTest's {@code @MockitoBean}s; the few whose behaviour the
 * routes rely on are here: problemResponder itself (the API route configurations answer with it), the
 * delivery route's questions (AttemptQuestions, which ask the mocks), the ingest route's expressions
 * (IngestExpressions, likewise), the stripping of relay-owned
 * request headers (RelayOwnedHeaders), an
 * in-memory idempotent repository and a transaction manager that counts commits and rollbacks.
 *
 * <p>A {@code @TestComponent}, so the relay's component scan in the integration tests never picks it
 * up, and not a {@code @TestConfiguration}, which Spring Boot would add to the relay's whole application.
 */
@Configuration(proxyBeanMethods = false)
@TestComponent
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, JacksonAutoConfiguration.class,
    CamelAutoConfiguration.class, JacksonDataFormatAutoConfiguration.class})
@Import({ProblemResponder.class, AttemptQuestions.class, IngestExpressions.class, WorkMessageExpressions.class,
    RelayOwnedHeaders.class})
public class FastRouteTier {

    /**
     * Components that reach PostgreSQL, RabbitMQ or the network: a route that sends to one of them
     * sends to {@code mock:<step id>} in this tier instead.
     */
    static final Set<String> INFRASTRUCTURE = Set.of("sql", "jdbc", "spring-rabbitmq", "http", "https");

    /**
     * store-event's idempotency records, in memory: a duplicate key takes the replay branch as in
     * production. Camel starts and stops it with the route; Spring's inferred close must not.
     */
    @Bean(destroyMethod = "")
    public MemoryIdempotentRepository idempotencyRepository() {
        return new MemoryIdempotentRepository();
    }

    /** problemResponder counts refusals; here in memory. */
    @Bean
    public MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    @Bean
    public RecordingTransactionManager transactionManager() {
        return new RecordingTransactionManager();
    }

    @Bean("requiredTransaction")
    public SpringTransactionPolicy requiredTransaction(RecordingTransactionManager transactionManager) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactionManager);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }

    /**
     * Replaces, once, what the tier must not reach, then starts Camel (the context is shared by the whole
     * tier and starts only after this, see {@code @UseAdviceWith}): a route consuming from anything but
     * {@code direct:} (timer, platform-http through the REST DSL, spring-rabbitmq) consumes from
     * {@code direct:<route id>}, and a send to an {@link #INFRASTRUCTURE} component goes to
     * {@code mock:<step id>}. Such a step must have an id: that id is how a test reaches it.
     *
     * <p>Routes with a route configuration (the API routes) are changed in the model instead of
     * advised: AdviceWith prepares the advised route again, which applies its route configuration a
     * second time (Camel 4.17), and every API route would authenticate twice and carry two onExceptions.
     */
    static synchronized void adviseAndStart(CamelContext camel) throws Exception {
        if (camel.isStarted()) {
            return;
        }
        List<RouteDefinition> routes = new ArrayList<>(((ModelCamelContext) camel).getRouteDefinitions());
        for (RouteDefinition route : routes) {
            String routeId = route.getRouteId();
            boolean consumesInfrastructure = !route.getInput().getEndpointUri().startsWith("direct:");
            List<ToDefinition> infrastructureSends = infrastructureSends(route);
            if (route.getRouteConfigurationId() != null) {
                if (consumesInfrastructure) {
                    route.getInput().setUri("direct:" + routeId);
                }
                infrastructureSends.forEach(to -> to.setUri("mock:" + to.getId()));
            } else if (consumesInfrastructure || !infrastructureSends.isEmpty()) {
                AdviceWith.adviceWith(camel, routeId, false, advice -> {
                    if (consumesInfrastructure) {
                        advice.replaceFromWith("direct:" + routeId);
                    }
                    for (ToDefinition to : infrastructureSends) {
                        advice.weaveById(to.getId()).replace().to("mock:" + to.getId());
                    }
                });
            }
        }
        camel.start();
    }

    private static List<ToDefinition> infrastructureSends(RouteDefinition route) {
        List<ToDefinition> sends = new ArrayList<>();
        for (ToDefinition to : ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ToDefinition.class)) {
            if (INFRASTRUCTURE.contains(scheme(to.getEndpointUri()))) {
                if (!to.hasCustomIdAssigned()) {
                    throw new IllegalStateException("Route " + route.getRouteId() + " sends to " + to.getEndpointUri()
                            + " from a step without an id: give it one, the fast route tier mocks it by id");
                }
                sends.add(to);
            }
        }
        return sends;
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        return colon < 0 ? uri : uri.substring(0, colon);
    }
}
