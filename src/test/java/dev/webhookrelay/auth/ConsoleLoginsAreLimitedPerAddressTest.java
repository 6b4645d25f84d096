package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;

import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The console's password is checked within the API's per-address budget of failures, and, unlike a
 * key, before the address's budget is known to hold: past it no password is checked, the right one
 * neither, while another address logs in.
 */
class ConsoleLoginsAreLimitedPerAddressTest {

    private static final String PASSWORD = "the-console-password";

    private final RelayProperties properties = properties(PASSWORD);
    private final AuthenticationAttempts attempts = new AuthenticationAttempts(properties);
    private final ConsoleLogins logins = new ConsoleLogins(properties, attempts);

    @Test
    void wrongPasswordsUseTheBudgetThenNoPasswordIsCheckedFromThatAddress() {
        for (int i = 0; i < 3; i++) {
            assertThat(refusal("admin", "wrong-" + i, "10.0.0.1")).isInstanceOf(BadCredentialsException.class);
        }

        ConsoleLogins.Throttled throttled = (ConsoleLogins.Throttled) refusal("admin", "wrong", "10.0.0.1");
        assertThat(throttled.problem().status()).isEqualTo(429);
        assertThat(throttled.problem().retryAfter()).isPositive();
        assertThat(refusal("admin", PASSWORD, "10.0.0.1")).isInstanceOf(ConsoleLogins.Throttled.class);

        Authentication operator = logins.authenticate(login("admin", PASSWORD, "10.0.0.2"));
        assertThat(operator.isAuthenticated()).isTrue();
        assertThat(operator.getAuthorities()).extracting(GrantedAuthority::getAuthority).contains("ROLE_admin");
    }

    @Test
    void theRightPasswordUsesNoBudgetAndAnUnknownUserIsAFailure() {
        for (int i = 0; i < 10; i++) {
            logins.authenticate(login("admin", PASSWORD, "10.0.0.3"));
        }
        assertThat(refusal("nobody", PASSWORD, "10.0.0.3")).isInstanceOf(BadCredentialsException.class);
        assertThat(refusal("admin", "wrong", "10.0.0.3")).isInstanceOf(BadCredentialsException.class);
        assertThat(refusal("admin", "wrong", "10.0.0.3")).isInstanceOf(BadCredentialsException.class);
        assertThat(refusal("admin", "wrong", "10.0.0.3")).isInstanceOf(ConsoleLogins.Throttled.class);
    }

    /** The API's failures and the console's come out of one budget per address. */
    @Test
    void theApisFailuresAndTheConsolesShareTheBudget() {
        attempts.take("10.0.0.5");
        attempts.take("10.0.0.5");
        assertThat(refusal("admin", "wrong", "10.0.0.5")).isInstanceOf(BadCredentialsException.class);
        assertThat(refusal("admin", PASSWORD, "10.0.0.5")).isInstanceOf(ConsoleLogins.Throttled.class);
    }

    @Test
    void withoutAPasswordThereIsNoUser() {
        ConsoleLogins closed = new ConsoleLogins(properties(""), new AuthenticationAttempts(properties));
        Throwable refused = catchThrowable(() -> closed.authenticate(login("admin", "", "10.0.0.4")));
        assertThat(refused).isInstanceOf(BadCredentialsException.class);
    }

    private Throwable refusal(String username, String password, String clientAddress) {
        Throwable refused = catchThrowable(() -> logins.authenticate(login(username, password, clientAddress)));
        assertThat(refused).isNotNull();
        return refused;
    }

    private static Authentication login(String username, String password, String clientAddress) {
        UsernamePasswordAuthenticationToken login = UsernamePasswordAuthenticationToken.unauthenticated(username, password);
        login.setDetails(new WebAuthenticationDetails(clientAddress, null));
        return login;
    }

    private static RelayProperties properties(String consolePassword) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "relay.auth.failed-attempts-per-minute", "3",
                "relay.console.username", "admin",
                "relay.console.password", consolePassword))).bind("relay", RelayProperties.class).get();
    }
}
