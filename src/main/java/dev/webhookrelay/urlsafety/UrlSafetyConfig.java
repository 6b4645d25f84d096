package dev.webhookrelay.urlsafety;

import java.util.List;

import dev.webhookrelay.config.RelayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The address policy of the relay's own connections (the delivery HTTP client), and the guard of
 * delivery targets, shared by endpoint registration and the send path.
 */
@Configuration
public class UrlSafetyConfig {

    @Bean
    public AddressPolicy addressPolicy(RelayProperties properties) {
        return new AddressPolicy(properties.delivery().allowedNetworks());
    }

    /**
     * Through an egress proxy, allowed-networks is where the proxy's own address is allowed; it must
     * not open that hole for targets as well, so literal targets are judged strictly and the proxy
     * decides for names.
     */
    @Bean
    public TargetAddressGuard targetAddressGuard(RelayProperties properties, AddressPolicy connectionPolicy) {
        String proxy = properties.delivery().proxy();
        boolean throughProxy = proxy != null && !proxy.isBlank();
        return new TargetAddressGuard(throughProxy ? new AddressPolicy(List.of()) : connectionPolicy);
    }

    @Bean
    public EndpointUrlValidator endpointUrlValidator(TargetAddressGuard targetGuard) {
        return new EndpointUrlValidator(targetGuard);
    }
}
