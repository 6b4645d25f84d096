package dev.webhookrelay.delivery;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.broker.WorkQueueRecoverer;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;

/**
 * The relay's queue listeners: their advice (the {@code retry} option of the work-queue and
 * dead-letter-recorder consumers: no in-memory retries, since retries are the broker's wait queues,
 * and a recoverer that requeues instead of dropping), and whether the work-queue consumer starts at all.
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

    @Bean
    public RetryOperationsInterceptor workQueueRetry() {
        return RetryInterceptorBuilder.stateless().maxAttempts(1).recoverer(new WorkQueueRecoverer()).build();
    }
}
