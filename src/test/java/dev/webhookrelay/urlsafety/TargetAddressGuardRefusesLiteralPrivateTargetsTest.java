package dev.webhookrelay.urlsafety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Through an egress proxy the relay never connects to a target itself, so the connect-time guard
 * sees only the proxy. The target guard is what still refuses a literal private target, at
 * registration and at send time, although allowed-networks lets the relay reach the proxy.
 */
class TargetAddressGuardRefusesLiteralPrivateTargetsTest {

    private final UrlSafetyConfig config = new UrlSafetyConfig();

    @Test
    void throughTheProxyALiteralPrivateTargetIsRefusedAtSendTime() {
        TargetAddressGuard guard = guard(relay("127.0.0.1/32", "http://127.0.0.1:4750"));

        assertThat(guard.refusal(URI.create("http://127.0.0.1:8080/admin"))).contains("loopback");
        assertThat(guard.refusal(URI.create("http://10.0.0.1/hook"))).contains("RFC 1918");
        assertThat(guard.refusal(URI.create("http://169.254.169.254/latest/meta-data"))).contains("link-local");
        assertThat(guard.refusal(URI.create("http://[::ffff:127.0.0.1]/"))).contains("loopback");
        assertThat(guard.refusal(URI.create("http://2130706433/"))).contains("loopback");
        assertThat(guard.refusal(URI.create("http://0x7f.1/"))).isNotNull();
        // Names are the proxy's to resolve and judge.
        assertThat(guard.refusal(URI.create("http://receiver.webhook-relay.test/hooks"))).isNull();
        assertThat(guard.refusal(URI.create("https://93.184.216.34/hooks"))).isNull();
    }

    @Test
    void throughTheProxyALiteralPrivateTargetIsRefusedAtRegistration() {
        RelayProperties properties = relay("127.0.0.1/32", "http://127.0.0.1:4750");
        EndpointUrlValidator validator = config.endpointUrlValidator(guard(properties));

        assertThatThrownBy(() -> validator.validate("http://127.0.0.1:8080/hook"))
                .isInstanceOf(ProblemException.class).hasMessageContaining("loopback");
        assertThat(validator.validate("http://receiver.webhook-relay.test/hooks")).isNotNull();
    }

    @Test
    void withoutAProxyAllowedNetworksAreAllowedTargets() {
        TargetAddressGuard guard = guard(relay("127.0.0.1/32", ""));

        assertThat(guard.refusal(URI.create("http://127.0.0.1:8080/hook"))).isNull();
        assertThat(guard.refusal(URI.create("http://127.0.0.2:8080/hook"))).contains("loopback");
    }

    private TargetAddressGuard guard(RelayProperties properties) {
        return config.targetAddressGuard(properties, config.addressPolicy(properties));
    }

    private static RelayProperties relay(String allowedNetworks, String proxy) {
        Map<String, String> values = new HashMap<>();
        values.put("relay.delivery.allowed-networks", allowedNetworks);
        values.put("relay.delivery.proxy", proxy);
        return new Binder(new MapConfigurationPropertySource(values)).bind("relay", RelayProperties.class).get();
    }
}
