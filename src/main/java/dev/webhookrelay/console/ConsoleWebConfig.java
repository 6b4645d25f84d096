package dev.webhookrelay.console;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Tenant pages take their scope as an argument. */
@Configuration
class ConsoleWebConfig implements WebMvcConfigurer {

    private final ConsoleScopes scopes;

    ConsoleWebConfig(ConsoleScopes scopes) {
        this.scopes = scopes;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(scopes);
    }
}
