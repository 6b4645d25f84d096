package dev.webhookrelay.delivery;

import java.time.Duration;
import java.time.Instant;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * An endpoint that has failed without a single success for relay.delivery.circuit-breaker-window is
 * disabled, and its deliveries paused until an operator or the tenant enables it again. The failure
 * streak's start is recorded with each attempt (AttemptRecorder).
 */
@Component("circuitBreaker")
public class CircuitBreaker {

    private final PausedDeliveries paused;
    private final Duration window;

    public CircuitBreaker(PausedDeliveries paused, RelayProperties properties) {
        this.paused = paused;
        this.window = properties.delivery().circuitBreakerWindow();
    }

    public boolean opens(@Variable("attempt") DeliveryAttempt attempt) {
        return !attempt.endpointGone() && attempt.failingSince() != null
                && attempt.failingSince().plus(window).isBefore(Instant.now());
    }

    public void open(@Variable("attempt") DeliveryAttempt attempt) {
        paused.disable(attempt.delivery().endpointId(), PauseReason.CIRCUIT_BREAKER, "circuit breaker: failing continuously since "
                + attempt.failingSince() + " (window " + window + "); last error: " + attempt.reason());
    }
}
