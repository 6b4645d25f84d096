package dev.webhookrelay.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;

/**
 * The query parameters of a list call, validated with field names. Over the route's message headers,
 * where platform-http puts the query parameters, or over the parameters a console page passes.
 */
public final class ListRequest {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /**
     * Instants a filter may name: years 1 to 9999. Java parses far wider (year ±999,999,999), beyond
     * what Timestamp and PostgreSQL hold, and no event of the relay is outside these years.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final Map<String, ?> parameters;

    private ListRequest(Map<String, ?> parameters) {
        this.parameters = parameters;
    }

    public static ListRequest of(Map<String, ?> parameters) {
        return new ListRequest(parameters);
    }

    public int limit() {
        String raw = text("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // Answered below.
        }
        throw new ProblemException(400, "Bad Request", "limit must be an integer from 1 to " + MAX_LIMIT, "limit");
    }

    public Cursor cursor() {
        String raw = text("cursor");
        return raw == null ? null : Cursor.decode(raw);
    }

    public Instant instant(String name) {
        return parseInstant(text(name), name);
    }

    public UUID uuid(String name) {
        return parseUuid(text(name), name);
    }

    public String oneOf(String name, Set<String> allowed) {
        String raw = text(name);
        if (raw != null && !allowed.contains(raw)) {
            throw new ProblemException(400, "Bad Request", name + " must be one of " + allowed, name);
        }
        return raw;
    }

    public String text(String name) {
        Object value = parameters.get(name);
        String text = value == null ? null : value.toString();
        return text == null || text.isBlank() ? null : text.trim();
    }

    public static Instant parseInstant(String raw, String field) {
        if (raw == null) {
            return null;
        }
        Instant instant;
        try {
            // PostgreSQL keeps microseconds and rounds the rest: cut here, so what is stored is what was
            // checked and what is answered (9999-12-31T23:59:59.999999999Z would round into year 10000).
            instant = OffsetDateTime.parse(raw).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "Bad Request",
                    field + " must be an ISO-8601 date-time with offset, e.g. 2026-11-23T00:00:00Z", field);
        }
        if (!inRange(instant)) {
            throw new ProblemException(400, "Bad Request", field + " must be in the years 1 to 9999", field);
        }
        return instant;
    }

    static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    private static UUID parseUuid(String raw, String field) {
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad Request", field + " must be a UUID", field);
        }
    }
}
