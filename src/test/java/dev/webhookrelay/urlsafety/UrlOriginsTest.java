package dev.webhookrelay.urlsafety;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlOriginsTest {

    @Test
    void aPathQueryCaseOrSpelledOutDefaultPortIsTheSameOrigin() {
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "https://hooks.example.com/b/c?d=1")).isTrue();
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "HTTPS://Hooks.Example.COM:443/a")).isTrue();
        assertThat(UrlOrigins.same("http://hooks.example.com/a", "http://hooks.example.com:80")).isTrue();
        assertThat(UrlOrigins.same("http://[::1]:8080/a", "http://[::1]:8080/b")).isTrue();
    }

    @Test
    void anotherSchemeHostOrPortIsAnotherOrigin() {
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "http://hooks.example.com/a")).isFalse();
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "https://hooks.example.com.evil.test/a")).isFalse();
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "https://evil.test/hooks.example.com/a")).isFalse();
        assertThat(UrlOrigins.same("https://hooks.example.com/a", "https://hooks.example.com:8443/a")).isFalse();
        assertThat(UrlOrigins.same("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/a")).isFalse();
    }

    @Test
    void whatIsNoAbsoluteUrlIsNeverTheSameOrigin() {
        assertThat(UrlOrigins.same(null, null)).isFalse();
        assertThat(UrlOrigins.same("https://hooks.example.com/a", null)).isFalse();
        assertThat(UrlOrigins.same("/a", "/a")).isFalse();
        assertThat(UrlOrigins.same("http://a b/", "http://a b/")).isFalse();
    }
}
