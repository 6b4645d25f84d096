package dev.webhookrelay.console;

import java.util.Map;

import dev.webhookrelay.auth.ConsoleLogins;
import dev.webhookrelay.config.NoSessionBeforeLogin;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The web console's two gates. {@code /console/**} is the operator's: a form login with the console
 * user (the Hawtio login, checked by auth.ConsoleLogins), a session cookie (HttpOnly, Secure,
 * SameSite=Strict: server.servlet.session.cookie.*), CSRF tokens on every change, and pages that
 * may not be framed. Nothing of an anonymous request is kept on the server: the CSRF token of the
 * login form is a cookie of its own, and neither the page asked for nor a failed login is kept in a
 * session. A login refused unchecked because its address has used up its failed authentications
 * comes back to the login page saying so, not as a wrong password.
 * {@code /portal/**} is a tenant's: its signed link is the credential, so it has no session, no
 * cookie and hence nothing a cross-site request could ride on (CSRF protection would protect
 * nothing); it may be framed by relay.console.portal-frame-ancestors. Both send a
 * Content-Security-Policy that runs only the relay's own scripts: a payload that holds markup is
 * escaped by the templates, and could not run even if it were not.
 */
@Configuration
public class WebConsoleSecurity {

    static final String LOGIN = "/console/login";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ";

    @Bean
    @Order(1)
    public SecurityFilterChain operatorConsole(HttpSecurity http, RelayProperties properties) throws Exception {
        boolean loginRequired = properties.console().loginRequired();
        AuthenticationFailureHandler failures = NoSessionBeforeLogin.failure(LOGIN + "?error",
                Map.of(ConsoleLogins.Throttled.class, LOGIN + "?throttled"));
        return http.securityMatcher("/console/**", "/console")
                .authorizeHttpRequests(authorize -> {
                    authorize.requestMatchers(LOGIN, "/console/assets/**").permitAll();
                    if (loginRequired) {
                        authorize.anyRequest().hasRole("admin");
                    } else {
                        authorize.anyRequest().permitAll();
                    }
                })
                // No session before a login succeeds (NoSessionBeforeLogin): else every anonymous
                // request would hold one for half an hour, and a flood of them filled the heap.
                .formLogin(form -> form.loginPage(LOGIN).defaultSuccessUrl("/console", true).failureHandler(failures)
                        .permitAll())
                .requestCache(cache -> cache.disable())
                .csrf(csrf -> csrf.csrfTokenRepository(NoSessionBeforeLogin.csrfTokens("CONSOLE-XSRF-TOKEN", "/console")))
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN + "?logout"))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(POLICY + "'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
                .build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain tenantPortal(HttpSecurity http, RelayProperties properties) throws Exception {
        return http.securityMatcher("/portal/**")
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers
                        .frameOptions(frame -> frame.disable())
                        .contentSecurityPolicy(csp -> csp.policyDirectives(
                                POLICY + properties.console().portalFrameAncestors()))
                        // The link is the credential: no page of the portal may pass it on in a Referer.
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .build();
    }
}
