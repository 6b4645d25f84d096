package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaticHeadersTest {

    /**
     * Every header camel-http's producer reads (HttpProducer, HttpHelper, HttpMethodHelper of 4.17),
     * the framing headers it writes itself, and the relay's own.
     */
    static Stream<String> controlHeaders() {
        return Stream.of("CamelRestHttpUri", "CamelHttpUri", "CamelHttpPath", "CamelHttpQuery", "CamelRestHttpQuery",
                "CamelHttpRawQuery", "CamelHttpMethod", "CamelHttpProtocolVersion", "CamelSkipGzipEncoding",
                "CamelDisableHttpStreamCache", "CamelHttpCharacterEncoding", "CamelHttpResponseCode",
                "CamelHttpResponseText", "CamelCharsetName", "CamelHttpChunked", "CamelHttpBaseUri", "CamelHttpUrl",
                "org.apache.camel.component.http.Anything", "Content-Encoding", "Content-Type", "Content-Length",
                "Host", "Connection", "Transfer-Encoding", "webhook-id", "webhook-signature", "webhook-timestamp",
                "User-Agent", "relay-delivery-id", "Proxy-Authorization", "traceparent")
                .flatMap(name -> Stream.of(name, name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT)));
    }

    @ParameterizedTest
    @MethodSource("controlHeaders")
    void controlAndReservedHeadersAreRefusedInAnyCase(String name) {
        assertThat(StaticHeaders.refusal(name)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Api-Key", "Authorization", "X-Tenant", "Accept", "cameo", "X-Camel-Like"})
    void ordinaryHeadersAreAllowed(String name) {
        assertThat(StaticHeaders.refusal(name)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad name", "x:y", "caf\u00e9", "{{relay.admin-token}}"})
    void namesThatAreNotHttpTokensAreRefused(String name) {
        assertThat(StaticHeaders.refusal(name)).isNotNull();
    }

    @Test
    void aStoredRowKeepsOnlyAllowedSingleLineStringHeaders() throws Exception {
        var stored = new ObjectMapper().readTree("""
                {"X-Api-Key": "k", "CamelHttpUri": "http://elsewhere.example/?t={{relay.admin-token}}",
                 "camelhttppath": "/x", "CAMELHTTPQUERY": "a=b", "X-Multi": "a\\r\\nInjected: 1",
                 "X-Number": 5, "X-Object": {"a": 1}, "X-Long": "%s", "Accept": "application/json"}"""
                .formatted("v".repeat(StaticHeaders.MAX_VALUE_LENGTH + 1)));

        assertThat(StaticHeaders.sendable(stored)).containsExactly(
                java.util.Map.entry("X-Api-Key", "k"), java.util.Map.entry("Accept", "application/json"));
    }

    @Test
    void aStoredValueThatIsNotAnObjectSendsNothing() throws Exception {
        assertThat(StaticHeaders.sendable(new ObjectMapper().readTree("[\"CamelHttpUri\"]"))).isEmpty();
        assertThat(StaticHeaders.sendable(null)).isEmpty();
    }
}
