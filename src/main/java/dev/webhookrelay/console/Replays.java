package dev.webhookrelay.console;

import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.replay.ReplayService;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * A single replay as the API's replay-delivery route does it: replay.ReplayService re-queues the
 * delivery (its checks, its audit record), then its work message goes out through the same publish
 * route as ingest, unless the delivery waits PAUSED for its endpoint.
 */
@Component
class Replays {

    private final ReplayService replays;
    private final ProducerTemplate producer;

    Replays(ReplayService replays, ProducerTemplate producer) {
        this.replays = replays;
        this.producer = producer;
    }

    Map<String, Object> replayOne(ConsoleScope scope, UUID deliveryId) {
        ReplayService.Replayed replayed = replays.replayOne(scope.tenantId(), scope.actor(), deliveryId.toString());
        if (replayed.workMessage() != null) {
            producer.sendBody("direct:publish-delivery", replayed.workMessage());
        }
        return replayed.answer();
    }
}
