package dev.webhookrelay.history;

/**
 * The tables that hold one day's history: that day's partitions ({@code events_p20261201} and its
 * siblings), or the partitioned parents when the relay does not know the day's partitions to exist.
 */
public record HistoryDay(String suffix) {

    /** The parents: they reach every day, including rows in DEFAULT. */
    public static final HistoryDay PARENTS = new HistoryDay("");

    /** Where a statement marks a history table to be addressed by day: {@code UPDATE deliveries{day} d}. */
    public static final String MARK = "{day}";

    /** The statement with each marked history table naming this day's table. */
    public String address(String statement) {
        return statement.replace(MARK, suffix);
    }
}
