package dev.webhookrelay.config;

import java.util.concurrent.TimeUnit;

import dev.webhookrelay.urlsafety.AddressPolicy;
import dev.webhookrelay.urlsafety.GuardedDnsResolver;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * camel-http as the delivery client: a connection pool whose DNS resolver is the SSRF guard (every
 * connection's addresses pass the AddressPolicy at connect time), the relay's timeouts, and an
 * optional egress proxy. Redirects and automatic retries are off in application.yaml.
 */
@Configuration
public class DeliveryHttpConfig {

    private static final int MAX_CONNECTIONS = 500;

    @Bean
    public ComponentCustomizer deliveryHttpCustomizer(RelayProperties properties, AddressPolicy policy) {
        var delivery = properties.delivery();
        return ComponentCustomizer.forType(HttpComponent.class, http -> {
            http.setClientConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new GuardedDnsResolver(policy))
                    .setMaxConnTotal(MAX_CONNECTIONS)
                    // Endpoints on one host share a route: the per-endpoint cap is the InFlightLimiter's
                    // job, so a hanging endpoint must not exhaust the pool of its host's other endpoints.
                    .setMaxConnPerRoute(MAX_CONNECTIONS)
                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(delivery.connectTimeout()))
                            .setSocketTimeout(Timeout.of(delivery.responseTimeout()))
                            .setTimeToLive(TimeValue.of(5, TimeUnit.MINUTES))
                            .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                            .build())
                    .build());
            http.setConnectTimeout(delivery.connectTimeout().toMillis());
            http.setResponseTimeout(delivery.responseTimeout().toMillis());
            http.setSoTimeout(delivery.responseTimeout().toMillis());
            if (delivery.proxy() != null && !delivery.proxy().isBlank()) {
                HttpHost proxy = HttpHost.create(java.net.URI.create(delivery.proxy()));
                http.setHttpClientConfigurer(builder -> builder.setProxy(proxy));
            }
        });
    }
}
