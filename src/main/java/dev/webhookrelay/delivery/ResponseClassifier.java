package dev.webhookrelay.delivery;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.delivery.DeliveryAttempt.Next;
import dev.webhookrelay.urlsafety.BlockedAddressException;
import org.apache.camel.Variable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What the result of one HTTP attempt means for the delivery. 2xx is delivered; 410 Gone retires
 * the endpoint; configured statuses (408, 429, 5xx by default), timeouts and connection or DNS
 * failures are worth retrying; every other status, and a refused (SSRF) address, never will be.
 * Whether a retry is still allowed is the retry policy's question, asked next in the route.
 */
@Component("responseClassifier")
public class ResponseClassifier {

    /** What the response means; {@code endpointGone} (410) dead-letters and disables the endpoint. */
    public record Classification(Next outcome, String reason, Duration retryAfter, boolean endpointGone) {

        Classification(Next outcome, String reason, Duration retryAfter) {
            this(outcome, reason, retryAfter, false);
        }
    }

    /** A failure's message can carry a receiver's bytes: it is kept short and storable. */
    private static final int MAX_MESSAGE_CHARS = 500;

    private final Set<Integer> retryableStatuses;

    @Autowired
    public ResponseClassifier(RelayProperties properties) {
        this(Set.copyOf(properties.delivery().retryableStatuses()));
    }

    public ResponseClassifier(Set<Integer> retryableStatuses) {
        this.retryableStatuses = Set.copyOf(retryableStatuses);
    }

    /** Sets the attempt's next step from what the receiver answered: DELIVERED, RETRY or DEAD_LETTER. */
    public void classify(@Variable("attempt") DeliveryAttempt attempt) {
        AttemptResult result = attempt.result();
        String retryAfter = result.responseHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Retry-After")).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        Classification verdict = classify(result.status(), result.failure(), retryAfter, Instant.now());
        attempt.judged(verdict.outcome(), verdict.reason(), verdict.endpointGone(), verdict.retryAfter());
    }

    public Classification classify(Integer status, Throwable failure, String retryAfterHeader, Instant now) {
        if (failure != null) {
            return classifyFailure(failure);
        }
        if (status >= 200 && status < 300) {
            return new Classification(Next.DELIVERED, "HTTP " + status, null);
        }
        if (status == 410) {
            return new Classification(Next.DEAD_LETTER, "HTTP 410 Gone: endpoint disabled", null, true);
        }
        if (retryableStatuses.contains(status)) {
            Duration retryAfter = status == 429 || status == 503 ? parseRetryAfter(retryAfterHeader, now) : null;
            return new Classification(Next.RETRY, "HTTP " + status, retryAfter);
        }
        if (status >= 300 && status < 400) {
            return new Classification(Next.DEAD_LETTER, "HTTP " + status + ": redirects are not followed", null);
        }
        return new Classification(Next.DEAD_LETTER, "HTTP " + status + " is not retryable", null);
    }

    private static Classification classifyFailure(Throwable failure) {
        Throwable cause = rootOfInterest(failure);
        String message = ReceiverText.storable(String.valueOf(cause.getMessage()), MAX_MESSAGE_CHARS);
        if (cause instanceof BlockedAddressException) {
            return new Classification(Next.DEAD_LETTER, "refused address: " + message, null);
        }
        if (cause instanceof SocketTimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            return new Classification(Next.RETRY, "timeout: " + message, null);
        }
        if (cause instanceof UnknownHostException) {
            return new Classification(Next.RETRY, "DNS failure: " + message, null);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return new Classification(Next.RETRY, "connection failed: " + message, null);
        }
        return new Classification(Next.RETRY, cause.getClass().getSimpleName() + ": " + message, null);
    }

    /** The most specific cause that says what went wrong on the wire. */
    static Throwable rootOfInterest(Throwable failure) {
        Throwable current = failure;
        while (current.getCause() != null && current.getCause() != current) {
            if (current instanceof BlockedAddressException || current instanceof SocketTimeoutException
                    || current instanceof UnknownHostException || current instanceof ConnectException) {
                return current;
            }
            current = current.getCause();
        }
        return current;
    }

    /**
     * Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. Never beyond the
     * longest wait a delivery can have (RetryGrid.MAX): a receiver's larger number, converted to
     * milliseconds or added to a date further on, overflowed, and the attempt was never recorded.
     */
    static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            String seconds = value.replaceFirst("^0+(?=.)", "");
            return seconds.length() > 12 ? RetryGrid.MAX : atMostTheLongestWait(Duration.ofSeconds(Long.parseLong(seconds)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : atMostTheLongestWait(wait);
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    private static Duration atMostTheLongestWait(Duration wait) {
        return wait.compareTo(RetryGrid.MAX) > 0 ? RetryGrid.MAX : wait;
    }
}
