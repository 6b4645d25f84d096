package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.boot.convert.DurationStyle;

/**
 * The values an endpoint's own retry tiers can take: whole seconds below a minute, whole minutes
 * below an hour, whole hours below a day, whole days up to seven; 148 values in all.
 *
 * <p>Every distinct tier value has wait queues of its own, durable quorum queues that are never
 * deleted (messages may still wait in them). Were any millisecond value allowed, "1001ms",
 * "1002ms"... would each add queues without end; on this grid all tenants together can cause at most
 * 148 × relay.delivery.jitter-buckets of them. A tier is rounded to the nearest value of the grid,
 * which moves it by at most half a step (90 s becomes 2 m, 36 h becomes 2 d).
 */
public final class RetryGrid {

    public static final Duration MIN = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofDays(7);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    private RetryGrid() {
    }

    /** "30s,5m,1h" as written by a caller; throws IllegalArgumentException when a tier is unreadable. */
    static List<Duration> parse(String spec) {
        return Arrays.stream(spec.split(",", -1)).map(String::trim).map(DurationStyle::detectAndParse).toList();
    }

    /** The grid value nearest to the delay, the delay first brought into [1 s, 7 d]. */
    static Duration snap(Duration delay) {
        Duration bounded = delay.compareTo(MIN) < 0 ? MIN : delay.compareTo(MAX) > 0 ? MAX : delay;
        Duration step = bounded.compareTo(MINUTE) < 0 ? MIN
                : bounded.compareTo(HOUR) < 0 ? MINUTE
                : bounded.compareTo(DAY) < 0 ? HOUR
                : DAY;
        long stepMillis = step.toMillis();
        return Duration.ofMillis((bounded.toMillis() + stepMillis / 2) / stepMillis * stepMillis);
    }

    static List<Duration> snap(List<Duration> delays) {
        return delays.stream().map(RetryGrid::snap).toList();
    }

    /** How the API shows a schedule on the grid: "30s,5m,1h,2d". */
    static String format(List<Duration> delays) {
        return delays.stream().map(RetryGrid::label).collect(Collectors.joining(","));
    }

    /** A stored schedule on the grid, whatever an older version of the relay accepted; empty if unreadable. */
    static Optional<List<Duration>> stored(String spec) {
        try {
            return Optional.of(snap(parse(spec)));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }

    /** A stored schedule as the API shows it: on the grid (rows written before the grid included). */
    public static String shown(String spec) {
        return spec == null ? null : stored(spec).map(RetryGrid::format).orElse(spec);
    }

    private static String label(Duration delay) {
        long seconds = delay.toSeconds();
        if (seconds % DAY.toSeconds() == 0) {
            return seconds / DAY.toSeconds() + "d";
        }
        if (seconds % HOUR.toSeconds() == 0) {
            return seconds / HOUR.toSeconds() + "h";
        }
        if (seconds % MINUTE.toSeconds() == 0) {
            return seconds / MINUTE.toSeconds() + "m";
        }
        return seconds + "s";
    }
}
