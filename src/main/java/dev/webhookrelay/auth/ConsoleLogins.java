package dev.webhookrelay.auth;

import java.util.ArrayList;
import java.util.List;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Checks the console user's password (relay.console.*; with no password there is no user), for
 * every way in: the form logins at /console/login and /login, and HTTP Basic on Hawtio and Jolokia.
 * The one AuthenticationProvider bean, it is all the global AuthenticationManager checks, and every
 * security chain defers to that manager. Its failures count against the client address in the
 * API's budget ({@link AuthenticationAttempts}), and, the password being a person's choice, the
 * address pays before its password is checked (a right one is given back): past the budget no
 * password is checked at all, so an address cannot keep guessing at any rate.
 */
@Component
public class ConsoleLogins implements AuthenticationProvider {

    private final AuthenticationAttempts attempts;
    private final DaoAuthenticationProvider passwords;

    public ConsoleLogins(RelayProperties properties, AuthenticationAttempts attempts) {
        this.attempts = attempts;
        var console = properties.console();
        List<UserDetails> users = new ArrayList<>();
        if (console.password() != null && !console.password().isBlank()) {
            users.add(User.withUsername(console.username()).password("{noop}" + console.password())
                    .roles("admin", "viewer").build());
        }
        this.passwords = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(users));
    }

    @Override
    public Authentication authenticate(Authentication login) {
        String client = login.getDetails() instanceof WebAuthenticationDetails request
                ? request.getRemoteAddress() : "unknown";
        try {
            attempts.take(client);
        } catch (ProblemException refused) {
            throw new Throttled(refused);
        }
        Authentication authenticated = passwords.authenticate(login);
        attempts.giveBack(client);
        return authenticated;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return passwords.supports(authentication);
    }

    /** A login refused unchecked because its address has no attempts left; {@link #problem} is the 429. */
    public static final class Throttled extends AuthenticationException {

        private final transient ProblemException problem;

        Throttled(ProblemException problem) {
            super(problem.getMessage());
            this.problem = problem;
        }

        public ProblemException problem() {
            return problem;
        }
    }
}
