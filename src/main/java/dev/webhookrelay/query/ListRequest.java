package dev.webhookrelay.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;
import org.apache.camel.Exchange;

/** The query parameters of a list call, read from the request and validated with field names. */
public final class ListRequest {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /**
     * Instants a filter may name: years 1 to 9999. Java parses far wider (year ±999,999,999), beyond
     * what Timestamp and PostgreSQL hold, and no event of the relay is outside these years.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final Exchange exchange;

    private ListRequest(Exchange exchange) {
        this.exchange = exchange;
    }

    public static ListRequest of(Exchange exchange) {
        return new ListRequest(exchange);
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
        return parseUuid(text(name), name, 400);
    }

    public String oneOf(String name, Set<String> allowed) {
        String raw = text(name);
        if (raw != null && !allowed.contains(raw)) {
            throw new ProblemException(400, "Bad Request", name + " must be one of " + allowed, name);
        }
        return raw;
    }

    public String text(String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** An id from the path; an id that is not a UUID cannot exist, so it is a 404 like any unknown id. */
    public UUID pathId(String name) {
        return parseUuid(text(name), name, 404);
    }

    public static Instant parseInstant(String raw, String field) {
        if (raw == null) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(raw).toInstant();
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

    private static UUID parseUuid(String raw, String field, int status) {
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            if (status == 404) {
                throw ProblemException.notFound("No such resource: " + raw);
            }
            throw new ProblemException(400, "Bad Request", field + " must be a UUID", field);
        }
    }
}
