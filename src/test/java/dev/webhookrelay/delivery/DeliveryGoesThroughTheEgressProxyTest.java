package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.urlsafety.AddressPolicy;
import dev.webhookrelay.urlsafety.TargetAddressGuard;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * relay.delivery.proxy: every delivery is sent to the egress proxy (Smokescreen in production, a
 * recording server here), which resolves and reaches the endpoint itself. The relay's own delivery
 * client, without a relay context, so no consumer competes for the test's work.
 */
class DeliveryGoesThroughTheEgressProxyTest {

    @Test
    void theRequestForTheEndpointGoesToTheProxyWhichResolvesTheEndpointsHost() throws Exception {
        try (TestReceiver proxy = new TestReceiver()) {
            RelayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                    "relay.delivery.connect-timeout", "2s",
                    "relay.delivery.response-timeout", "2s",
                    "relay.delivery.attempt-deadline", "2s",
                    "relay.delivery.max-response-body-bytes", "1024",
                    "relay.delivery.max-response-headers", "100",
                    "relay.delivery.max-response-header-line-bytes", "8192",
                    "relay.delivery.proxy", proxy.url().replace("/hook", ""))))
                    .bind("relay", RelayProperties.class).get();
            AddressPolicy policy = new AddressPolicy(List.of("127.0.0.1/32"));
            DeliveryClient client = new DeliveryClient(properties, policy, new TargetAddressGuard(new AddressPolicy(List.of())));

            // A name only the proxy could resolve (.test is reserved): the relay itself must not look it up.
            DeliveryAttempt attempt = AttemptStates.readable(UUID.randomUUID(), UUID.randomUUID(), 1);
            attempt.requestBuilt(new OutgoingRequest("http://receiver.webhook-relay.test/hooks/orders",
                    Map.of("webhook-id", "msg_1"), "{\"type\":\"order.created\"}", Set.of()));
            client.send(attempt);
            client.destroy();
            AttemptResult result = attempt.result();

            assertThat(result.failure()).isNull();
            assertThat(result.status()).isEqualTo(200);
            TestReceiver.Received request = proxy.received().get(0);
            assertThat(request.requestUri()).isEqualTo("http://receiver.webhook-relay.test/hooks/orders");
            assertThat(request.header("webhook-id")).isEqualTo("msg_1");
            assertThat(request.body()).isEqualTo("{\"type\":\"order.created\"}");
        }
    }
}
