package dev.webhookrelay.api.problem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * A request the relay refuses, carrying everything an RFC 9457 problem document needs. Thrown by
 * validators and authenticators; rendered by {@link ProblemResponder} as {@link #toProblemDetail()}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final Duration retryAfter;
    private final List<Map<String, String>> errors;

    public ProblemException(int status, String title, String detail, String field) {
        this(status, title, detail, field, null, null);
    }

    private ProblemException(int status, String title, String detail, String field, Duration retryAfter,
            List<Map<String, String>> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.retryAfter = retryAfter;
        this.errors = errors;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail, null);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail, null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail, null);
    }

    public static ProblemException conflict(String detail, String field) {
        return new ProblemException(409, "Conflict", detail, field);
    }

    public static ProblemException tooLarge(String detail, String field) {
        return new ProblemException(413, "Content Too Large", detail, field);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "Unsupported Media Type", detail, "Content-Type");
    }

    /** 429: a quota or budget is used up for now; the answer carries Retry-After. */
    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(429, "Too Many Requests", detail, null, retryAfter, null);
    }

    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(422, "Unprocessable Content", detail, field);
    }

    /** 422 with one entry per defect inside the field, each {"path", "message"}, answered as "errors". */
    public static ProblemException invalid(String field, String detail, List<Map<String, String>> errors) {
        return new ProblemException(422, "Unprocessable Content", detail, field, null, List.copyOf(errors));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    /** The answer's document: our own titles (RFC 9110's current names), the offending field as "field". */
    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), getMessage());
        problem.setTitle(title);
        if (field != null) {
            problem.setProperty("field", field);
        }
        if (errors != null) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    /** When the caller may try again (answered as Retry-After), or null when that is not known. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Validation failures are normal traffic: no stack trace to capture. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
