package dev.webhookrelay.delivery;

import dev.webhookrelay.broker.WorkMessage;

/** A work message the broker did not take, and why. */
public record RefusedPublish(WorkMessage message, String reason) {

    /** What the logs print: the delivery and the broker's reason. */
    @Override
    public String toString() {
        return message.deliveryId() + ": " + reason;
    }
}
