package dev.webhookrelay.config;

import dev.webhookrelay.delivery.WorkQueueRecoverer;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;

/**
 * The work-queue listener's advice (the consume route's {@code retry} option): no in-memory retries,
 * since retries are the broker's wait queues, and a recoverer that requeues instead of dropping.
 */
@Configuration
public class WorkQueueListenerConfig {

    @Bean
    public RetryOperationsInterceptor workQueueRetry() {
        return RetryInterceptorBuilder.stateless().maxAttempts(1).recoverer(new WorkQueueRecoverer()).build();
    }
}
