package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathSuffixTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "//evil.example/x", "/a//b", "/../admin", "/a/./b", "/a/..", "/%2e%2e/admin",
            "/a%2Fb", "/a%5cb", "/a%3Fb", "/a%0d%0aHost:x", "/a%", "/a#frag", "/a b", "http://evil.example/",
            "/a\\b", "/a?x=%0a"})
    void aSuffixThatCouldLeaveTheEndpointsPathIsRefused(String suffix) {
        assertThat(PathSuffix.refusal(suffix)).as(suffix).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
            "https://r.example/hook, /orders/42, https://r.example/hook/orders/42",
            "https://r.example/hook/, /orders/42?v=1, https://r.example/hook/orders/42?v=1",
            "https://r.example/hook?token=a, /orders?v=1, https://r.example/hook/orders?token=a&v=1",
            "https://r.example:8443, /x%20y/, https://r.example:8443/x%20y/"})
    void anAllowedSuffixGoesAfterTheEndpointsPathAndItsQueryAfterTheUrlsOwn(String url, String suffix, String expected) {
        assertThat(PathSuffix.refusal(suffix)).isNull();
        assertThat(PathSuffix.appendTo(url, suffix)).isEqualTo(expected);
    }
}
