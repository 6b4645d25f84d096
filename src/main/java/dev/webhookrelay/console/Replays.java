package dev.webhookrelay.console;

import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.broker.WorkMessage;
import dev.webhookrelay.replay.ReplayService;
import org.apache.camel.Exchange;
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
    private final ServiceCalls calls;
    private final ProducerTemplate producer;

    Replays(ReplayService replays, ServiceCalls calls, ProducerTemplate producer) {
        this.replays = replays;
        this.calls = calls;
        this.producer = producer;
    }

    Map<String, Object> replayOne(ConsoleScope scope, UUID deliveryId) {
        Exchange exchange = calls.request(scope, deliveryId, null);
        Map<String, Object> answer = replays.replayOne(exchange);
        WorkMessage message = exchange.getVariable("workMessage", WorkMessage.class);
        if (message != null) {
            producer.sendBody("direct:publish-delivery", message);
        }
        return answer;
    }
}
