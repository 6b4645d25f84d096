package dev.webhookrelay.urlsafety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.webhookrelay.api.problem.ProblemException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointUrlValidatorRefusesUnsafeUrlsTest {

    private final EndpointUrlValidator validator =
            new EndpointUrlValidator(new TargetAddressGuard(new AddressPolicy(List.of())));

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x", "file:///etc/passwd", "http://user:pw@example.com/",
            "not a url", "http:///nohost", "http://127.0.0.1/", "http://10.0.0.1/hook",
            "http://169.254.169.254/latest", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
            "http://[::ffff:0:7f00:1]/", "http://[64:ff9b::a00:1]/", "http://[2002:7f00:1::1]/", "http://[2001::1]/",
            "http://[fec0::1]/", "http://[fe80::1%25eth0]/",
            // IPv4 in the forms inet_aton, curl and browsers read as 127.0.0.1
            "http://2130706433/", "http://0x7f.1/", "http://0x7f000001/", "http://017700000001/",
            "http://0177.0.0.1/", "http://127.1/", "http://127.0.0.1./", "http://127.000.000.001/", "http://0x7F.0.0.1/",
            // public, but written so that readers disagree (010 is 8 to inet_aton and 10 to Java)
            "http://010.8.8.8/", "http://0x08.8.8.8/", "http://134744072/",
            "http://1.2.3.4.5/", "http://999.1.1.1/", "http://1.2.3.0x/"})
    void refuses(String url) {
        assertThatThrownBy(() -> validator.validate(url)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).field()).isEqualTo("url"))
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(422));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/in?x=1", "http://93.184.216.34:8080/x", "http://8.8.8.8/",
            "http://[2606:4700:4700::1111]/hook", "http://[64:ff9b::808:808]/", "http://[::ffff:8.8.8.8]/",
            "https://1password.example/", "https://123.example/", "https://example.com./"})
    void accepts(String url) {
        assertThat(validator.validate(url)).isEqualTo(url);
    }
}
