package dev.webhookrelay.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Map;

import dev.webhookrelay.config.RelayProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** What the broker's admin says is stubbed here; the real queue is exercised by DeliveryReconcilesWhatTheBrokerLostTest. */
class WorkQueueProgressOnlyMovesForwardTest {

    private final AmqpAdmin admin = mock(AmqpAdmin.class);
    private final WorkQueueProgress progress = new WorkQueueProgress(new TopologyRepair(admin, new Binder(
            new MapConfigurationPropertySource(Map.of("relay.rabbitmq.work-queue", "relay.work",
                    "relay.rabbitmq.dead-letter-queue", "relay.dead-letter",
                    "relay.rabbitmq.dead-letter-recorder-queue", "relay.dead-letter.recorder")))
            .bind("relay", RelayProperties.class).get()));

    @BeforeEach
    void deadLetterQueuesExist() {
        when(admin.getQueueInfo("relay.dead-letter")).thenReturn(new QueueInformation("relay.dead-letter", 0, 0));
        when(admin.getQueueInfo("relay.dead-letter.recorder"))
                .thenReturn(new QueueInformation("relay.dead-letter.recorder", 0, 1));
    }

    @Test
    void aQueueWithABacklogKeepsTheNewestPublishTimeAConsumerRead() {
        whenTheWorkQueueHolds(5);

        progress.consumed("2000");
        progress.consumed("1000");
        progress.consumed(null);
        progress.consumed("not a number");

        assertThat(progress.handedOutUpTo()).isEqualTo(Instant.ofEpochMilli(2000));
    }

    @Test
    void aPublishTimeFromTheFutureCountsAsNow() {
        whenTheWorkQueueHolds(5);
        long before = System.currentTimeMillis();

        progress.consumed(Long.toString(Long.MAX_VALUE));

        assertThat(progress.handedOutUpTo()).isBetween(Instant.ofEpochMilli(before), Instant.now());
    }

    @Test
    void anEmptyWorkQueueHasHandedOutEverythingUntilNow() {
        whenTheWorkQueueHolds(0);
        long before = System.currentTimeMillis();

        assertThat(progress.handedOutUpTo()).isBetween(Instant.ofEpochMilli(before), Instant.now());
    }

    @Test
    void anUnreachableBrokerLeavesItWhereItWas() {
        progress.consumed("3000");
        when(admin.getQueueInfo("relay.work")).thenThrow(new AmqpConnectException(new java.net.ConnectException()));

        assertThat(progress.handedOutUpTo()).isEqualTo(Instant.ofEpochMilli(3000));
    }

    @Test
    void nothingSeenYetMeansNothingHandedOut() {
        whenTheWorkQueueHolds(1);

        assertThat(progress.handedOutUpTo()).isEqualTo(Instant.EPOCH);
    }

    private void whenTheWorkQueueHolds(int ready) {
        when(admin.getQueueInfo("relay.work")).thenReturn(new QueueInformation("relay.work", ready, 0));
    }
}
