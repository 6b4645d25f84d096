package dev.webhookrelay.delivery;

import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/** A receiver that answered 410 Gone asked not to be called again: its endpoint is disabled at once. */
@Component("goneEndpoints")
public class GoneEndpoints {

    private final PausedDeliveries paused;

    public GoneEndpoints(PausedDeliveries paused) {
        this.paused = paused;
    }

    /** Runs before the attempt is recorded: whoever sees the delivery dead-lettered sees its endpoint disabled. */
    public void disable(@Variable("attempt") DeliveryAttempt attempt) {
        paused.disable(attempt.delivery().endpointId(), PauseReason.GONE, attempt.reason());
    }
}
