package dev.webhookrelay.delivery;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.broker.WorkQueueRecoverer;
import org.apache.camel.CamelContext;
import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.ListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;

/**
 * The relay's queue listeners: their advice (the {@code retry} option of the work-queue and
 * dead-letter-recorder consumers: no in-memory retries, since retries are the broker's wait queues,
 * and a recoverer that requeues instead of dropping), their containers (consumers that outlive a
 * deleted queue), and whether the work-queue consumer starts at all.
 */
@Configuration
public class WorkQueueListenerConfig {

    static final String CONSUME_ROUTE = "consume-work-queue";

    /**
     * relay.delivery.enabled=false makes an ingest-only instance: its consume route is loaded but not
     * started. Said here rather than as a placeholder in the route's autoStartup, which the Camel YAML
     * DSL schema (and so Kaoto) wants as a literal boolean.
     */
    @Bean
    public CamelContextConfiguration deliveryConsumersSwitch(RelayProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                if (!properties.delivery().enabled()) {
                    camel.setAutoStartupExcludePattern(CONSUME_ROUTE);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // Nothing to do once started.
            }
        };
    }

    /**
     * The containers of every spring-rabbitmq consumer (camel.component.spring-rabbitmq.listener-container-factory).
     * Spring AMQP's SimpleMessageListenerContainer, the work queue's, takes a queue missing for three
     * passive declarations (5 s apart) as fatal and stops for good: a relay.work deleted and declared
     * again later had no consumer until a restart. Here every consumer of a missing queue tries it
     * again every relay.rabbitmq.missing-queue-retry-interval for as long as it is missing, and
     * consumes it as soon as it is back (TopologyRepair declares it again).
     */
    @Bean
    public ListenerContainerFactory queueListenerContainers(RelayProperties properties) {
        long retryMillis = properties.rabbitmq().missingQueueRetryInterval().toMillis();
        return new DefaultListenerContainerFactory() {
            @Override
            public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
                AbstractMessageListenerContainer container = super.createListenerContainer(endpoint);
                container.setMissingQueuesFatal(false);
                container.setFailedDeclarationRetryInterval(retryMillis);
                container.setRecoveryInterval(retryMillis);
                return container;
            }
        };
    }

    @Bean
    public RetryOperationsInterceptor workQueueRetry() {
        return RetryInterceptorBuilder.stateless().maxAttempts(1).recoverer(new WorkQueueRecoverer()).build();
    }
}
