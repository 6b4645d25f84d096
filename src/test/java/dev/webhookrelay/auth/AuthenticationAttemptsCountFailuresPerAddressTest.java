package dev.webhookrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AuthenticationAttemptsCountFailuresPerAddressTest {

    private final AuthenticationAttempts attempts = new AuthenticationAttempts(new Binder(
            new MapConfigurationPropertySource(Map.of("relay.auth.failed-attempts-per-minute", "2")))
            .bind("relay", RelayProperties.class).get());

    @Test
    void theBudgetIsPerAddressAndAnsweredWithWhenToRetry() {
        attempts.take("192.0.2.1");
        attempts.take("192.0.2.1");

        assertThatThrownBy(() -> attempts.take("192.0.2.1")).isInstanceOf(ProblemException.class)
                .satisfies(e -> {
                    ProblemException problem = (ProblemException) e;
                    assertThat(problem.status()).isEqualTo(429);
                    assertThat(problem.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
                });
        attempts.take("192.0.2.2");
    }

    @Test
    void aTokenGivenBackCanBeTakenAgain() {
        for (int i = 0; i < 10; i++) {
            attempts.take("192.0.2.3");
            attempts.giveBack("192.0.2.3");
        }
        attempts.take("192.0.2.3");
        attempts.take("192.0.2.3");
        assertThatThrownBy(() -> attempts.take("192.0.2.3")).isInstanceOf(ProblemException.class);
    }

    @Test
    void anIpv6SubscriberIsCountedPerSlash64() {
        attempts.take("2001:db8:1:2::1");
        attempts.take("2001:db8:1:2:ffff::9");

        assertThatThrownBy(() -> attempts.take("2001:db8:1:2:abcd::1")).isInstanceOf(ProblemException.class);
        attempts.take("2001:db8:1:3::1");
    }
}
