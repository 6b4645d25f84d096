package dev.webhookrelay.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import dev.webhookrelay.api.problem.ProblemException;

/**
 * An opaque keyset cursor: the (created_at, id) of the last row of a page. Lists are ordered newest
 * first by that pair, so a page after a cursor neither repeats nor skips rows that existed when the
 * first page was read, however many rows arrive meanwhile.
 */
public record Cursor(Instant createdAt, String id) {

    private static final String VERSION = "c1";
    private static final int MAX_KEY_CHARS = 256;

    public String encode() {
        long micros = createdAt.getEpochSecond() * 1_000_000 + createdAt.getNano() / 1_000;
        String plain = VERSION + "|" + micros + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", 3);
            if (parts.length != 3 || !VERSION.equals(parts[0]) || !isKey(parts[2])) {
                throw new IllegalArgumentException("not a cursor");
            }
            long micros = Long.parseLong(parts[1]);
            Instant createdAt = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
            if (!ListRequest.inRange(createdAt)) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(createdAt, parts[2]);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Bad Request", "cursor is not one this API returned", "cursor");
        }
    }

    /**
     * A row's key as this API writes it: a UUID or a name, never control characters (base64 hides them
     * from the request's checks, and PostgreSQL refuses a NUL with an error, not an empty page).
     */
    private static boolean isKey(String id) {
        return !id.isBlank() && id.length() <= MAX_KEY_CHARS
                && id.codePoints().noneMatch(c -> Character.isISOControl(c) || !Character.isDefined(c));
    }
}
