package dev.webhookrelay.history;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The tables that hold one day's history: that day's partitions ({@code events_p20261201} and its
 * siblings), or the partitioned parents when the relay does not know the day's partitions to exist.
 */
public final class HistoryDay {

    /** The parents: they reach every day, including rows in DEFAULT. */
    public static final HistoryDay PARENTS = new HistoryDay("");

    /** Where a statement marks a history table to be addressed by day: {@code UPDATE deliveries{day} d}. */
    public static final String MARK = "{day}";

    private final String suffix;

    /*
     * Each statement rewritten once per day, not at every claim and record (the rewrite was 1% of a
     * drain's CPU samples). Bounded: the statements are the callers' constants.
     */
    private final ConcurrentMap<String, String> addressed = new ConcurrentHashMap<>();

    public HistoryDay(String suffix) {
        this.suffix = suffix;
    }

    /** The statement with each marked history table naming this day's table. */
    public String address(String statement) {
        return addressed.computeIfAbsent(statement, marked -> marked.replace(MARK, suffix));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HistoryDay day && day.suffix.equals(suffix);
    }

    @Override
    public int hashCode() {
        return suffix.hashCode();
    }

    @Override
    public String toString() {
        return "HistoryDay[" + (suffix.isEmpty() ? "parents" : suffix) + "]";
    }
}
