package dev.webhookrelay.query;

import java.util.UUID;

import dev.webhookrelay.api.problem.ProblemException;

/** The id of a resource in a request's path. */
public final class PathIds {

    private PathIds() {
    }

    /** An id that is not a UUID cannot exist, so it is a 404 like any unknown id; null when the path has none. */
    public static UUID of(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No such resource: " + raw.trim());
        }
    }
}
