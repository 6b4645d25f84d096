package dev.webhookrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RetryGridTest {

    @Test
    void tiersSnapToWholeSecondsMinutesHoursAndDays() {
        assertThat(RetryGrid.snap(Duration.ofMillis(1001))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryGrid.snap(Duration.ofMillis(1500))).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryGrid.snap(Duration.ofMillis(59_600))).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryGrid.snap(Duration.ofSeconds(90))).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryGrid.snap(Duration.ofMinutes(89))).isEqualTo(Duration.ofHours(1));
        assertThat(RetryGrid.snap(Duration.ofHours(36))).isEqualTo(Duration.ofDays(2));
        assertThat(RetryGrid.snap(Duration.ofDays(30))).isEqualTo(Duration.ofDays(7));
        assertThat(RetryGrid.snap(Duration.ofMillis(10))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyPossibleTierIsOneOf148Values() {
        Set<Duration> values = new HashSet<>();
        for (long millis = 0; millis <= Duration.ofDays(8).toMillis(); millis += 997) {
            values.add(RetryGrid.snap(Duration.ofMillis(millis)));
        }
        assertThat(values).hasSize(59 + 59 + 23 + 7);
    }

    @Test
    void schedulesEqualInValueReadTheSameOnTheGrid() {
        assertThat(RetryGrid.stored("1001ms, 60s,PT1H")).isEqualTo(RetryGrid.stored("1s,1m,1h"));
        assertThat(RetryGrid.format(RetryGrid.snap(RetryGrid.parse("1001ms,60s,90m,24h"))))
                .isEqualTo("1s,1m,2h,1d");
    }

    @Test
    void aStoredScheduleIsShownOnTheGridAndAnUnreadableOneAsStored() {
        assertThat(RetryGrid.shown("1500ms,5m")).isEqualTo("2s,5m");
        assertThat(RetryGrid.shown("soon")).isEqualTo("soon");
        assertThat(RetryGrid.shown(null)).isNull();
        assertThat(RetryGrid.stored("1s,,2s")).isEmpty();
        assertThat(RetryGrid.stored("3s").orElseThrow()).isEqualTo(List.of(Duration.ofSeconds(3)));
    }
}
