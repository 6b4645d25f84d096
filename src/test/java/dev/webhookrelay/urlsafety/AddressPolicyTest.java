package dev.webhookrelay.urlsafety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import dev.webhookrelay.problem.ProblemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "224.0.0.1", "0.0.0.0", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1"})
    void refusesNonPublicAddresses(String address) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(strict.refusal(InetAddress.getByName(address))).isNull();
    }

    @Test
    void allowedNetworksOpenAHoleOnlyWhereConfigured() throws Exception {
        AddressPolicy dev = new AddressPolicy(List.of("127.0.0.1/32"));
        assertThat(dev.refusal(InetAddress.getByName("127.0.0.1"))).isNull();
        assertThat(dev.refusal(InetAddress.getByName("::ffff:127.0.0.1"))).isNull();
        assertThat(dev.refusal(InetAddress.getByName("127.0.0.2"))).isNotNull();
        assertThat(dev.refusal(InetAddress.getByName("10.0.0.1"))).isNotNull();
    }

    @Test
    void guardedResolverRefusesAHostNameThatResolvesToLoopback() {
        GuardedDnsResolver resolver = new GuardedDnsResolver(strict);
        assertThatThrownBy(() -> resolver.resolve("localhost")).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("Refused to connect to localhost");
        assertThatThrownBy(() -> resolver.resolve("127.0.0.1")).isInstanceOf(BlockedAddressException.class);
        assertThatThrownBy(() -> resolver.resolve("::ffff:127.0.0.1")).isInstanceOf(BlockedAddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "http://user:pw@example.com/",
            "http://127.0.0.1/", "http://10.0.0.1/hook", "http://169.254.169.254/latest", "http://[::1]/",
            "http://[::ffff:127.0.0.1]/", "not a url", "http:///nohost"})
    void registrationRejectsUnsafeUrls(String url) {
        EndpointUrlValidator validator = new EndpointUrlValidator(strict);
        assertThatThrownBy(() -> validator.validate(url)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).field()).isEqualTo("url"));
    }

    @Test
    void registrationAcceptsPublicHttpsUrlsAndHostNames() {
        EndpointUrlValidator validator = new EndpointUrlValidator(strict);
        assertThat(validator.validate("https://hooks.example.com/in?x=1")).isEqualTo("https://hooks.example.com/in?x=1");
        assertThat(validator.validate("http://93.184.216.34:8080/x")).isNotNull();
    }
}
