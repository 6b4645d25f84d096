package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.webhookrelay.support.HostileReceiver;
import dev.webhookrelay.support.HostileReceiver.Behaviour;
import dev.webhookrelay.support.RelayIntegrationTest;
import dev.webhookrelay.support.TestReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A receiver's answer is read within fixed bounds: whatever it sends, the relay stays live, the
 * attempt is recorded, and the retry is delivered. (The test relay's response timeout, and so its
 * attempt deadline, is 1 s; bodies are kept to 16 KiB.)
 */
class DeliverySurvivesHostileReceiversTest extends RelayIntegrationTest {

    private static final int MAX_BODY = 16384;

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void aHostileAnswerIsRecordedAndTheRetryIsDelivered(Behaviour behaviour) throws Exception {
        try (HostileReceiver receiver = new HostileReceiver(behaviour, 1)) {
            String key = createTenant("hostile-" + behaviour);
            createEndpoint(key, receiver.url(), "[]");
            UUID deliveryId = postAndGetDelivery(key, "order.created");

            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(30));

            List<Map<String, Object>> attempts = attempts(deliveryId);
            assertThat(attempts).hasSize(2);
            Map<String, Object> hostile = attempts.get(0);
            assertThat(hostile.get("outcome")).isEqualTo("RETRY_SCHEDULED");
            String body = (String) hostile.get("response_body");
            assertThat(body == null ? 0 : body.length()).isLessThanOrEqualTo(MAX_BODY);
            switch (behaviour) {
                case HUGE_BODY -> {
                    assertThat(hostile.get("response_status")).isEqualTo(503);
                    assertThat(body).hasSize(MAX_BODY).matches("a+");
                    // Only what socket buffers hold was written before the relay hung up, not the GiB.
                    assertThat(receiver.bytesWritten()).isLessThan(64L * 1024 * 1024);
                }
                case GZIP_BOMB -> {
                    assertThat(hostile.get("response_status")).isEqualTo(503);
                    // The bytes received, not 200 MB of inflated zeros.
                    assertThat(body).hasSizeLessThanOrEqualTo(MAX_BODY).doesNotContain("\0");
                    assertThat(hostile.get("response_headers").toString()).contains("gzip");
                }
                case TRICKLING_BODY, TRICKLING_HEADERS -> {
                    assertThat(hostile.get("error_class")).isEqualTo(AttemptTimeoutException.class.getName());
                    assertThat((String) hostile.get("error_message")).contains("deadline");
                }
                case TEN_THOUSAND_HEADERS -> assertThat((String) hostile.get("error_message"))
                        .containsIgnoringCase("header count");
                case NUL_AND_INVALID_UTF8 -> {
                    assertThat(hostile.get("response_status")).isEqualTo(503);
                    assertThat(hostile.get("response_headers").toString()).contains("X-Evil").doesNotContain("\0");
                    assertThat(body).startsWith("ok").doesNotContain("\0").contains("\uFFFD");
                }
            }
        }
    }

    @Test
    void theRelayAsksForNoCompression() {
        try (TestReceiver receiver = new TestReceiver()) {
            UUID deliveryId = deliveryTo(createTenant("no-compression"), receiver);
            awaitStatus(deliveryId, "DELIVERED", Duration.ofSeconds(15));

            assertThat(receiver.received().get(0).header("accept-encoding")).isNull();
        }
    }
}
