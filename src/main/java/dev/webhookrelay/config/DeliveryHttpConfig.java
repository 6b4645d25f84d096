package dev.webhookrelay.config;

import java.util.concurrent.TimeUnit;

import dev.webhookrelay.urlsafety.AddressPolicy;
import dev.webhookrelay.urlsafety.GuardedDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection pool of camel-http's delivery producer. It carries the SSRF guard (every
 * connection's addresses pass the AddressPolicy after resolution) and the connect timeout.
 */
@Configuration
public class DeliveryHttpConfig {

    @Bean(destroyMethod = "")
    public PoolingHttpClientConnectionManager deliveryConnectionManager(RelayProperties properties,
            AddressPolicy policy) {
        var delivery = properties.delivery();
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDnsResolver(policy))
                .setMaxConnTotal(500)
                .setMaxConnPerRoute(Math.max(2, delivery.maxInFlightPerEndpoint()))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(delivery.connectTimeout()))
                        .setSocketTimeout(Timeout.of(delivery.responseTimeout()))
                        .setTimeToLive(TimeValue.of(5, TimeUnit.MINUTES))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
    }
}
