package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.support.ApplicationYamlContexts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.amqp.RabbitProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The work-queue consumers never take the channels that publishing needs: such a relay does not start. */
class ChannelBudgetTest {

    private static final Duration CHECKOUT = Duration.ofSeconds(5);

    @Configuration
    @EnableConfigurationProperties({RelayProperties.class, RabbitProperties.class})
    @Import(ChannelBudget.class)
    static class Budgeted {
    }

    private final ApplicationContextRunner relay = ApplicationYamlContexts.with(Budgeted.class);

    @Test
    void theDefaultsLeaveHalfOfTheChannelsForPublishing() {
        relay.run(context -> assertThat(context).hasNotFailed());
        assertThatCode(() -> ChannelBudget.check(47, 64, CHECKOUT)).doesNotThrowAnyException();
    }

    @Test
    void consumersThatWouldTakeTheChannelsPublishingNeedsStopTheStartNamingBothSettings() {
        relay.withPropertyValues("relay.delivery.consumers=64").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("relay.delivery.consumers (64)")
                    .hasMessageContaining("spring.rabbitmq.cache.channel.size (64)")
                    .hasMessageContaining("at least 81");
        });
        relay.withPropertyValues("relay.delivery.consumers=64", "spring.rabbitmq.cache.channel.size=81")
                .run(context -> assertThat(context).hasNotFailed());
        assertThatThrownBy(() -> ChannelBudget.check(48, 64, CHECKOUT)).isInstanceOf(IllegalStateException.class);
        // Unset, the size is Spring AMQP's own default, still a limit under a checkout timeout.
        assertThatThrownBy(() -> ChannelBudget.check(32, null, CHECKOUT)).hasMessageContaining("channel.size (25)");
    }

    @Test
    void anIngestOnlyRelayOrOneWithoutACheckoutTimeoutHasNoLimitToKeep() {
        relay.withPropertyValues("relay.delivery.consumers=64", "relay.delivery.enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
        assertThatCode(() -> ChannelBudget.check(200, 64, null)).doesNotThrowAnyException();
        assertThatCode(() -> ChannelBudget.check(200, 64, Duration.ZERO)).doesNotThrowAnyException();
    }
}
