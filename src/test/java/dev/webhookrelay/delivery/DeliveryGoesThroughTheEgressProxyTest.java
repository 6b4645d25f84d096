package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.webhookrelay.config.DeliveryHttpConfig;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.TestReceiver;
import dev.webhookrelay.urlsafety.AddressPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * relay.delivery.proxy: every delivery is sent to the egress proxy (Smokescreen in production, a
 * recording server here), which resolves and reaches the endpoint itself. The delivery client is
 * built by the relay's own customizer; no relay context, so no consumer competes for the test's work.
 */
class DeliveryGoesThroughTheEgressProxyTest {

    @Test
    void theRequestForTheEndpointGoesToTheProxyWhichResolvesTheEndpointsHost() throws Exception {
        try (TestReceiver proxy = new TestReceiver(); DefaultCamelContext camel = new DefaultCamelContext()) {
            RelayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                    "relay.delivery.connect-timeout", "2s",
                    "relay.delivery.response-timeout", "2s",
                    "relay.delivery.proxy", proxy.url().replace("/hook", ""))))
                    .bind("relay", RelayProperties.class).get();
            HttpComponent http = new HttpComponent();
            new DeliveryHttpConfig().deliveryHttpCustomizer(properties, new AddressPolicy(List.of("127.0.0.1/32")))
                    .configure("http", http);
            camel.addComponent("http", http);
            camel.start();

            // A name only the proxy could resolve (.test is reserved): the relay itself must not look it up.
            Exchange sent = camel.createProducerTemplate().send("http://delivery-target?httpMethod=POST", exchange -> {
                exchange.getMessage().setHeader(Exchange.HTTP_URI, "http://receiver.webhook-relay.test/hooks/orders");
                exchange.getMessage().setHeader("webhook-id", "msg_1");
                exchange.getMessage().setBody("{\"type\":\"order.created\"}");
            });

            assertThat(sent.getException()).isNull();
            assertThat(sent.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
            TestReceiver.Received request = proxy.received().get(0);
            assertThat(request.requestUri()).isEqualTo("http://receiver.webhook-relay.test/hooks/orders");
            assertThat(request.header("webhook-id")).isEqualTo("msg_1");
            assertThat(request.body()).isEqualTo("{\"type\":\"order.created\"}");
        }
    }
}
