package dev.webhookrelay.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry schedule and the wait queues that implement it.
 *
 * <p>RabbitMQ only expires messages at the head of a queue, so per-message TTLs would make a short
 * delay wait behind a long one. Every wait queue therefore has one fixed queue TTL, and jitter comes
 * from spreading each tier over several queues whose TTLs step evenly across delay ±jitter; a retry
 * picks one of them at random. A queue's name carries its exact TTL, so a changed schedule creates
 * new queues and never redeclares an old one: messages already waiting in old queues still expire
 * back to the work exchange on their old timetable.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final List<List<WaitQueue>> tiers;
    private final String queuePrefix;

    public RetrySchedule(List<Duration> delays, double jitter, int buckets, String queuePrefix) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("relay.delivery.retry-schedule needs at least one delay");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("relay.delivery.jitter must be in [0, 1)");
        }
        this.delays = List.copyOf(delays);
        this.queuePrefix = queuePrefix;
        int bucketCount = jitter == 0 ? 1 : Math.max(1, buckets);
        this.tiers = delays.stream().map(delay -> tier(delay, jitter, bucketCount)).toList();
    }

    private List<WaitQueue> tier(Duration delay, double jitter, int buckets) {
        List<WaitQueue> queues = new ArrayList<>();
        for (int bucket = 0; bucket < buckets; bucket++) {
            double factor = buckets == 1 ? 1.0 : 1 - jitter + (2 * jitter * bucket / (buckets - 1));
            long ttl = Math.max(1, Math.round(delay.toMillis() * factor));
            queues.add(new WaitQueue(queuePrefix + label(delay) + ".ttl-" + ttl, ttl));
        }
        return queues;
    }

    /** Attempts allowed in all: the first one plus one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The delay before the attempt after {@code failedAttempt}, or null when none is left. */
    public Duration delayAfter(int failedAttempt) {
        return failedAttempt >= 1 && failedAttempt <= delays.size() ? delays.get(failedAttempt - 1) : null;
    }

    /** A wait queue of the tier that follows {@code failedAttempt}, chosen at random for jitter. */
    public WaitQueue waitQueueAfter(int failedAttempt) {
        return pick(tiers.get(failedAttempt - 1));
    }

    /**
     * A queue of the shortest tier whose delay is at least {@code minimum} (the longest tier if none
     * is), and of that tier's queues only those at least {@code minimum} long: a receiver's Retry-After
     * is a floor, so jitter spreads retries only above it. Beyond the longest queue the wait is capped
     * at that queue.
     */
    public WaitQueue waitQueueAtLeast(Duration minimum) {
        List<WaitQueue> tier = tiers.get(indexOfLongest());
        for (int i = 0; i < delays.size(); i++) {
            if (delays.get(i).compareTo(minimum) >= 0) {
                tier = tiers.get(i);
                break;
            }
        }
        long floor = minimum.toMillis();
        List<WaitQueue> aboveFloor = tier.stream().filter(q -> q.ttlMillis() >= floor).toList();
        return aboveFloor.isEmpty() ? tier.get(tier.size() - 1) : pick(aboveFloor);
    }

    /** A queue of the shortest tier: used to put back a delivery that may not run yet. */
    public WaitQueue shortestWaitQueue() {
        return waitQueueAtLeast(Duration.ZERO);
    }

    public String shortestWaitQueueName() {
        return shortestWaitQueue().name();
    }

    public List<WaitQueue> allWaitQueues() {
        return tiers.stream().flatMap(List::stream).distinct().toList();
    }

    private int indexOfLongest() {
        return delays.indexOf(delays.stream().max(Comparator.naturalOrder()).orElseThrow());
    }

    private static WaitQueue pick(List<WaitQueue> tier) {
        return tier.get(ThreadLocalRandom.current().nextInt(tier.size()));
    }

    static String label(Duration delay) {
        long seconds = delay.toSeconds();
        if (delay.toMillis() % 1000 != 0) {
            return delay.toMillis() + "ms";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    public record WaitQueue(String name, long ttlMillis) {
    }
}
