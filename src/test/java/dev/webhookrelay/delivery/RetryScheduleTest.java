package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final List<Duration> DEFAULT = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    private final RetrySchedule schedule = new RetrySchedule(DEFAULT, 0.2, 5, "relay.wait.");

    @Test
    void defaultScheduleAllowsEightAttemptsOverAboutTwentySevenHours() {
        assertThat(schedule.maxAttempts()).isEqualTo(8);
        Duration total = IntStream.rangeClosed(1, 7).mapToObj(schedule::delayAfter).reduce(Duration.ZERO, Duration::plus);
        assertThat(total.toMinutes()).isEqualTo(27 * 60 + 35);
        assertThat(schedule.delayAfter(8)).isNull();
    }

    @Test
    void eachTierSpreadsOverFiveFixedTtlQueuesWithinTwentyPercent() {
        List<RetrySchedule.WaitQueue> queues = schedule.allWaitQueues();
        // Two 10h delays share their queues.
        assertThat(queues).hasSize(6 * 5);
        assertThat(queues).filteredOn(q -> q.name().startsWith("relay.wait.5m."))
                .extracting(RetrySchedule.WaitQueue::ttlMillis)
                .containsExactly(240_000L, 270_000L, 300_000L, 330_000L, 360_000L);
        assertThat(queues).allSatisfy(q -> assertThat(q.name()).endsWith(".ttl-" + q.ttlMillis()));
    }

    @Test
    void retryAfterPicksTheFirstTierAtLeastThatLong() {
        assertThat(schedule.waitQueueAtLeast(Duration.ofSeconds(30)).name()).startsWith("relay.wait.5m.");
        assertThat(schedule.waitQueueAtLeast(Duration.ofSeconds(3)).name()).startsWith("relay.wait.5s.");
        assertThat(schedule.waitQueueAtLeast(Duration.ofDays(2)).name()).startsWith("relay.wait.10h.");
    }

    @Test
    void aChangedScheduleNeverRedeclaresAQueueNameWithAnotherTtl() {
        RetrySchedule changed = new RetrySchedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(10)), 0.1, 3,
                "relay.wait.");
        var before = schedule.allWaitQueues().stream()
                .collect(java.util.stream.Collectors.toMap(RetrySchedule.WaitQueue::name, RetrySchedule.WaitQueue::ttlMillis));
        assertThat(changed.allWaitQueues()).allSatisfy(q -> {
            if (before.containsKey(q.name())) {
                assertThat(before.get(q.name())).isEqualTo(q.ttlMillis());
            }
        });
        assertThat(changed.allWaitQueues()).extracting(RetrySchedule.WaitQueue::name)
                .contains("relay.wait.10m.ttl-540000", "relay.wait.5s.ttl-5000");
    }

    @Test
    void jitterPicksEveryQueueOfATier() {
        var picked = IntStream.range(0, 500).mapToObj(i -> schedule.waitQueueAfter(1).name()).distinct().count();
        assertThat(picked).isEqualTo(5);
    }

    @Test
    void retryAfterIsAFloorThatJitterOnlyRaises() {
        RetrySchedule seconds = new RetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4)), 0.2, 5, "relay.wait.");
        var picked = IntStream.range(0, 500).mapToObj(i -> seconds.waitQueueAtLeast(Duration.ofSeconds(2)).ttlMillis())
                .collect(java.util.stream.Collectors.toSet());
        assertThat(picked).containsExactlyInAnyOrder(2000L, 2200L, 2400L);
    }

    @Test
    void noJitterBucketRetriesBeforeTheRetryAfterFloor() {
        long longest = schedule.allWaitQueues().stream().mapToLong(RetrySchedule.WaitQueue::ttlMillis).max().orElseThrow();
        for (RetrySchedule.WaitQueue bucket : schedule.allWaitQueues()) {
            for (long floor : new long[] {bucket.ttlMillis() - 1, bucket.ttlMillis(), bucket.ttlMillis() + 1}) {
                for (int i = 0; i < 100; i++) {
                    long ttl = schedule.waitQueueAtLeast(Duration.ofMillis(floor)).ttlMillis();
                    assertThat(ttl).as("Retry-After %d ms", floor).isGreaterThanOrEqualTo(Math.min(floor, longest));
                }
            }
        }
        assertThat(schedule.waitQueueAtLeast(Duration.ofDays(2)).ttlMillis()).isEqualTo(longest);
    }
}
