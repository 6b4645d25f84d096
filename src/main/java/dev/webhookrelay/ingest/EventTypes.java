package dev.webhookrelay.ingest;

import java.util.regex.Pattern;

/** The grammar of event types and of the endpoint filters that select them. */
public final class EventTypes {

    private static final Pattern TYPE = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final Pattern PREFIX_FILTER = Pattern.compile("^([A-Za-z0-9._-]{0,127})\\*$");

    private EventTypes() {
    }

    public static boolean isValidType(String type) {
        return type != null && TYPE.matcher(type).matches();
    }

    /** A filter is an exact type or a prefix followed by '*', such as {@code order.*} or {@code *}. */
    public static boolean isValidFilter(String filter) {
        return isValidType(filter) || (filter != null && PREFIX_FILTER.matcher(filter).matches());
    }
}
