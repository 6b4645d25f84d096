package dev.webhookrelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookrelay.support.ApplicationYamlContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** relay.* binds from application.yaml's defaults, and a value that cannot work stops the start, naming its key. */
class RelayPropertiesRefuseValuesThatCannotWorkTest {

    @Configuration
    @EnableConfigurationProperties(RelayProperties.class)
    static class Bound {
    }

    private final ApplicationContextRunner relay = ApplicationYamlContexts.with(Bound.class);

    @Test
    void theDefaultsAreValid() {
        relay.run(context -> assertThat(context).hasNotFailed().hasSingleBean(RelayProperties.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relay.delivery.consumers=0", "relay.delivery.max-response-body-bytes=-1",
            "relay.quotas.max-in-flight-per-tenant=0", "relay.reconcile.batch-size=0",
            "relay.retention.history-partitions-ahead=0", "relay.console.max-streams-per-tenant=0",
            "relay.console.max-streams=0"})
    void aCountBelowOneStopsTheStartAndNamesTheKey(String setting) {
        relay.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            // Spring names the field by its path in RelayProperties: relay.delivery.max-response-body-bytes
            // is delivery.maxResponseBodyBytes.
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("on field '" + fieldPath(setting) + "'");
        });
    }

    @Test
    void aClaimLeaseMarginBelowASecondStopsTheStartAndNamesTheKey() {
        relay.withPropertyValues("relay.delivery.claim-lease-margin=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("on field 'delivery.claimLeaseMargin'");
        });
    }

    private static String fieldPath(String setting) {
        String key = setting.substring("relay.".length(), setting.indexOf('='));
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            path.append(key.charAt(i) == '-' ? Character.toUpperCase(key.charAt(++i)) : key.charAt(i));
        }
        return path.toString();
    }
}
