package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The admin token is compared before the address pays: wrong tokens use the address's budget (429
 * past it), the right one is accepted whatever others sent from the same address, so an attacker
 * behind the operator's proxy or NAT cannot lock the operator out.
 */
class AdminTokenGuardChargesOnlyWrongTokensTest {

    private static final String TOKEN = "adm_the-operators-token-of-enough-length";

    private final RelayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "relay.admin-token", TOKEN,
            "relay.auth.failed-attempts-per-minute", "3"))).bind("relay", RelayProperties.class).get();
    private final AdminTokenGuard guard =
            new AdminTokenGuard(properties, new MockEnvironment(), new AuthenticationAttempts(properties));

    @Test
    void theRightTokenPassesFromAnAddressPastItsBudgetWhileWrongOnesThereAre429() {
        for (int i = 0; i < 3; i++) {
            assertThat(problemFor(bearer("wrong-" + i, "10.0.0.1")).status()).isEqualTo(401);
        }
        ProblemException refused = problemFor(bearer("wrong", "10.0.0.1"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter()).isPositive();

        for (int i = 0; i < 5; i++) {
            Exchange admin = bearer(TOKEN, "10.0.0.1");
            guard.authorize(admin);
            assertThat(admin.getProperty(Caller.ACTOR)).isEqualTo(Caller.ADMIN);
        }
        assertThat(problemFor(bearer("wrong", "10.0.0.1")).status()).isEqualTo(429);
        assertThat(problemFor(bearer("wrong", "10.0.0.2")).status()).isEqualTo(401);
    }

    @Test
    void aMissingTokenUsesNoBudget() {
        for (int i = 0; i < 5; i++) {
            assertThat(problemFor(bearer(null, "10.0.0.3")).status()).isEqualTo(401);
        }
        assertThat(problemFor(bearer("wrong", "10.0.0.3")).status()).isEqualTo(401);
    }

    private ProblemException problemFor(Exchange exchange) {
        Throwable thrown = catchThrowable(() -> guard.authorize(exchange));
        assertThat(thrown).isInstanceOf(ProblemException.class);
        return (ProblemException) thrown;
    }

    private static Exchange bearer(String token, String clientAddress) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/admin/tenants");
        request.setRemoteAddr(clientAddress);
        if (token != null) {
            request.addHeader("Authorization", "Bearer " + token);
        }
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_SERVLET_REQUEST, request);
        return exchange;
    }
}
