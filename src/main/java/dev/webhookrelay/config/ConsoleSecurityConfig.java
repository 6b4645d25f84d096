package dev.webhookrelay.config;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.savedrequest.CookieRequestCache;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security guards only the operations console (Hawtio and its Jolokia bridge), and is its
 * only gate (Hawtio's own login is off): the console user comes from relay.console.*, with no
 * password set the console has no user at all, so it is closed; the dev profile opens it. Its
 * password is checked by auth.ConsoleLogins, the AuthenticationProvider, within the per-address
 * budget of failed authentications; a login refused for that budget, by HTTP Basic or the form, is
 * a 429 from auth.HawtioLoginRefusals (the AuthenticationEntryPoint and AuthenticationFailureHandler
 * bean). The API authenticates with its own API keys and admin token: no security chain matches it,
 * and its requests (the ingest hot path) pass only Spring Security's firewall
 * (securityFilterBesideTheApi); every other request passes it before the chains. What a
 * logged-in operator may do over Jolokia is narrowed further by jolokia-access.xml.
 */
@Configuration
public class ConsoleSecurityConfig {

    /** Spring Security's own form-login pages, which the console's login redirects to. */
    private static final String LOGIN_PAGE = "/login";
    private static final String LOGOUT = "/logout";

    @Bean
    public SecurityFilterChain consoleSecurity(HttpSecurity http, RelayProperties properties,
            AuthenticationEntryPoint basicRefusals, AuthenticationFailureHandler formRefusals) throws Exception {
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
                // Set on the filter, not by failureHandler(), which would leave Spring Security's
                // login page without its failure URL, so with no notice for a wrong password.
                .formLogin(form -> form.withObjectPostProcessor(new ObjectPostProcessor<UsernamePasswordAuthenticationFilter>() {
                    @Override
                    public <O extends UsernamePasswordAuthenticationFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(formRefusals);
                        return filter;
                    }
                }))
                // No session before a login succeeds (NoSessionBeforeLogin): the page asked for
                // waits for the login in a cookie, not in a session every anonymous request makes.
                .requestCache(cache -> cache.requestCache(new CookieRequestCache()))
                .httpBasic(basic -> basic.authenticationEntryPoint(basicRefusals))
                // Hawtio is a single-page app: it echoes the XSRF-TOKEN cookie in a header.
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(spaCsrf))
                .build();
    }

    /**
     * Spring Security's filter, kept off the API. Every request that enters it costs a handler lookup
     * by Spring MVC's HandlerMappingIntrospector (cached for the chains' matchers) and a match against
     * each chain: an API request, which no chain matches, paid both, ~8% of the ingest's CPU
     * (bench/RESULTS.md, issue 16). So a request whose servlet path (decoded and normalized by Tomcat)
     * is under /v1/ gets the firewall alone, with the chains' HttpFirewall and RequestRejectedHandler:
     * a path the firewall refuses is still a 400 problem document. Every other request (console,
     * Hawtio, Jolokia, portal, login, actuator, errors, any path added later) goes through the chains
     * as before, behind a firewall that also refuses needless percent-encoding (PlainlySpelledPaths).
     * The auto-configured registration of the filter is replaced by this one, same order
     * and dispatcher types.
     */
    @Bean
    public FilterRegistrationBean<Filter> securityFilterBesideTheApi(
            DelegatingFilterProxyRegistrationBean securityFilterChainRegistration, ObjectProvider<HttpFirewall> firewall,
            ObjectProvider<RequestRejectedHandler> rejectedHandler) {
        HttpFirewall strict = firewall.getIfAvailable(StrictHttpFirewall::new);
        FilterChainProxy firewallOnly = firewallOnly(strict, rejectedHandler);
        FilterChainProxy consoleFirewall = firewallOnly(new PlainlySpelledPaths(strict), rejectedHandler);
        Filter chains = securityFilterChainRegistration.getFilter();
        securityFilterChainRegistration.setEnabled(false);
        Filter besideTheApi = (request, response, next) -> {
            if (request instanceof HttpServletRequest http && ApiRequests.isApi(http)) {
                firewallOnly.doFilter(request, response, next);
            } else {
                // The firewall first here too: the chains' composite filter parses the request path
                // before their own firewall runs, and failed on a path such as /v1/../actuator/jolokia
                // (a 500). Refused first, it is a 400 problem document.
                consoleFirewall.doFilter(request, response, (firewalled, answer) -> chains.doFilter(firewalled, answer, next));
            }
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(besideTheApi);
        registration.setName("springSecurityFilterChainBesideTheApi");
        registration.setOrder(securityFilterChainRegistration.getOrder());
        registration.setDispatcherTypes(securityFilterChainRegistration.determineDispatcherTypes());
        return registration;
    }

    /** A filter that runs only the firewall, refusing as the chains' handler does. */
    private static FilterChainProxy firewallOnly(HttpFirewall firewall, ObjectProvider<RequestRejectedHandler> rejectedHandler) {
        FilterChainProxy proxy = new FilterChainProxy(new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE));
        proxy.setFirewall(firewall);
        rejectedHandler.ifAvailable(proxy::setRequestRejectedHandler);
        proxy.afterPropertiesSet();
        return proxy;
    }
}
