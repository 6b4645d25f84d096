package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import dev.webhookrelay.urlsafety.BlockedAddressException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ResponseClassifierTest {

    private static final Instant NOW = Instant.parse("2026-11-23T00:00:00Z");
    private final ResponseClassifier classifier = new ResponseClassifier(Set.of(408, 429, 500, 502, 503, 504));

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsAreDelivered(int status) {
        assertThat(classifier.classify(status, null, null, NOW).outcome()).isEqualTo(Next.DELIVERED);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void configuredStatusesAreRetried(int status) {
        assertThat(classifier.classify(status, null, null, NOW).outcome()).isEqualTo(Next.RETRY);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 400, 401, 403, 404, 405, 422})
    void otherStatusesAreDeadLetteredAtOnce(int status) {
        assertThat(classifier.classify(status, null, null, NOW).outcome()).isEqualTo(Next.DEAD_LETTER);
    }

    @Test
    void goneRetiresTheEndpoint() {
        assertThat(classifier.classify(410, null, null, NOW).outcome()).isEqualTo(Next.DEAD_LETTER);
        assertThat(classifier.classify(410, null, null, NOW).endpointGone()).isTrue();
    }

    @Test
    void networkFailuresAreRetriedButRefusedAddressesAreNot() {
        assertThat(classifier.classify(null, new SocketTimeoutException("Read timed out"), null, NOW).outcome())
                .isEqualTo(Next.RETRY);
        assertThat(classifier.classify(null, new ConnectException("refused"), null, NOW).outcome())
                .isEqualTo(Next.RETRY);
        assertThat(classifier.classify(null, new UnknownHostException("nx.example"), null, NOW).outcome())
                .isEqualTo(Next.RETRY);
        assertThat(classifier.classify(null, new RuntimeException(new BlockedAddressException("127.0.0.1")), null, NOW)
                .outcome()).isEqualTo(Next.DEAD_LETTER);
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDateOnlyFor429And503() {
        assertThat(classifier.classify(429, null, "120", NOW).retryAfter()).isEqualTo(Duration.ofSeconds(120));
        assertThat(classifier.classify(503, null, "Mon, 23 Nov 2026 00:10:00 GMT", NOW).retryAfter())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(classifier.classify(500, null, "120", NOW).retryAfter()).isNull();
        assertThat(classifier.classify(429, null, "soon", NOW).retryAfter()).isNull();
    }

    @Test
    void aRetryAfterBeyondTheLongestWaitIsReadAsTheLongestWait() {
        assertThat(classifier.classify(429, null, "9223372036854775807", NOW).retryAfter()).isEqualTo(RetryGrid.MAX);
        assertThat(classifier.classify(429, null, "99999999999999999999", NOW).retryAfter()).isEqualTo(RetryGrid.MAX);
        assertThat(classifier.classify(429, null, "0000000000000000005", NOW).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(classifier.classify(503, null, "Fri, 31 Dec 9999 23:59:59 GMT", NOW).retryAfter()).isEqualTo(RetryGrid.MAX);
    }
}
