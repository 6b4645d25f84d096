package dev.webhookrelay.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security guards only the operations console (Hawtio and its Jolokia bridge), and is its
 * only gate (Hawtio's own login is off): the console user comes from relay.console.*, with no
 * password set the console has no user at all, so it is closed; the dev profile opens it. The API
 * authenticates with its own API keys and admin token: no security chain matches it, so its requests
 * (the ingest hot path) skip Spring Security's filters entirely. What a logged-in operator may do
 * over Jolokia is narrowed further by jolokia-access.xml.
 */
@Configuration
public class ConsoleSecurityConfig {

    /** Spring Security's own form-login pages, which the console's login redirects to. */
    private static final String LOGIN_PAGE = "/login";
    private static final String LOGOUT = "/logout";

    @Bean
    public SecurityFilterChain consoleSecurity(HttpSecurity http, RelayProperties properties) throws Exception {
        CsrfTokenRequestAttributeHandler spaCsrf = new CsrfTokenRequestAttributeHandler();
        spaCsrf.setCsrfRequestAttributeName(null);
        boolean loginRequired = properties.console().loginRequired();
        // The endpoints by id, wherever management.endpoints.web.base-path or path-mapping puts them.
        RequestMatcher console = new OrRequestMatcher(EndpointRequest.to("hawtio", "jolokia"),
                AntPathRequestMatcher.antMatcher(LOGIN_PAGE), AntPathRequestMatcher.antMatcher(LOGOUT));
        return http.securityMatcher(console)
                .authorizeHttpRequests(authorize -> {
                    if (loginRequired) {
                        authorize.anyRequest().hasRole("admin");
                    } else {
                        authorize.anyRequest().permitAll();
                    }
                })
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                // Hawtio is a single-page app: it echoes the XSRF-TOKEN cookie in a header.
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(spaCsrf))
                .build();
    }

    @Bean
    public InMemoryUserDetailsManager consoleUsers(RelayProperties properties) {
        var console = properties.console();
        List<UserDetails> users = new ArrayList<>();
        if (console.password() != null && !console.password().isBlank()) {
            users.add(User.withUsername(console.username()).password("{noop}" + console.password())
                    .roles("admin", "viewer").build());
        }
        return new InMemoryUserDetailsManager(users);
    }
}
