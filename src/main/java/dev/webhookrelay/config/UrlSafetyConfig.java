package dev.webhookrelay.config;

import dev.webhookrelay.urlsafety.AddressPolicy;
import dev.webhookrelay.urlsafety.EndpointUrlValidator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One address policy, shared by endpoint registration and the delivery HTTP client. */
@Configuration
public class UrlSafetyConfig {

    @Bean
    public AddressPolicy addressPolicy(RelayProperties properties) {
        return new AddressPolicy(properties.delivery().allowedNetworks());
    }

    @Bean
    public EndpointUrlValidator endpointUrlValidator(AddressPolicy policy) {
        return new EndpointUrlValidator(policy);
    }
}
