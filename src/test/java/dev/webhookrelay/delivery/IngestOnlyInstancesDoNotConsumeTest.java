package dev.webhookrelay.delivery;

import dev.webhookrelay.config.RelayProperties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** relay.delivery.enabled decides whether the consume route starts; the route is loaded either way. */
class IngestOnlyInstancesDoNotConsumeTest {

    @ParameterizedTest
    @CsvSource({"true, Started", "false, Stopped"})
    void theConsumeRouteStartsOnlyWhenDeliveryIsEnabled(String enabled, ServiceStatus expected) throws Exception {
        RelayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "relay.delivery.enabled", enabled))).bind("relay", RelayProperties.class).get();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:work").routeId(WorkQueueListenerConfig.CONSUME_ROUTE).log("work");
                    from("direct:ingest").routeId("ingest-event").log("ingest");
                }
            });
            new WorkQueueListenerConfig().deliveryConsumersSwitch(properties).beforeApplicationStart(camel);
            camel.start();

            assertThat(camel.getRouteController().getRouteStatus(WorkQueueListenerConfig.CONSUME_ROUTE)).isEqualTo(expected);
            assertThat(camel.getRouteController().getRouteStatus("ingest-event")).isEqualTo(ServiceStatus.Started);
        }
    }
}
