package dev.webhookrelay.api.problem;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * Turns whatever stopped an API route into an application/problem+json answer. Callers never see a
 * stack trace; an unreachable database becomes 503 with Retry-After so that the sender retries and
 * nothing is acknowledged that was not committed.
 */
@Component("problemResponder")
public class ProblemResponder {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
    static final String RETRY_AFTER_SECONDS = "5";
    /** PostgreSQL cancelled the statement: the ingest transaction ran past relay.ingest.transaction-timeout. */
    private static final String QUERY_CANCELED = "57014";

    private final MeterRegistry registry;

    public ProblemResponder(MeterRegistry registry) {
        this.registry = registry;
    }

    public void render(Exchange exchange) {
        Throwable failure = unwrap(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        var message = exchange.getMessage();
        message.removeHeaders("*");
        ProblemDetail body;
        if (failure instanceof ProblemException problem) {
            body = problem.toProblemDetail();
            if (problem.retryAfter() != null) {
                message.setHeader("Retry-After", retryAfterSeconds(problem.retryAfter()));
            }
        } else if (ranPastItsDeadline(failure)) {
            LOG.warn("Request ran past relay.ingest.transaction-timeout on {}, refusing it: {}", exchange.getFromRouteId(),
                    String.valueOf(failure));
            message.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The request took longer than the relay allows (relay.ingest.transaction-timeout); nothing was "
                            + "accepted. Retry later: an event whose endpoints' filters cost that much fails the same way.");
        } else if (isDatabaseUnavailable(failure)) {
            LOG.warn("Database unavailable, refusing request: {}", String.valueOf(failure));
            message.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The event store is unavailable; nothing was accepted. Retry later.");
        } else {
            LOG.error("Unexpected failure on {}", exchange.getFromRouteId(), failure);
            body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                    "The relay failed to process the request; nothing was accepted.");
        }
        Counter.builder("relay.ingest.rejected").description("API requests refused, by HTTP status")
                .tag("status", Integer.toString(body.getStatus())).register(registry).increment();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, body.getStatus());
        message.setHeader(Exchange.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        message.setBody(ProblemJson.write(body));
    }

    /** Whole seconds, rounded up: a caller that waits exactly this long is never refused again for the same reason. */
    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** A transacted sub-route hands its failure back wrapped in RuntimeCamelException. */
    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof RuntimeCamelException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The statement was cancelled at its deadline (pgjdbc's query timeout), or the deadline had passed. */
    static boolean ranPastItsDeadline(Throwable failure) {
        return anyCause(failure, t -> t instanceof TransactionTimedOutException
                || t instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState()));
    }

    static boolean isDatabaseUnavailable(Throwable failure) {
        return anyCause(failure, t -> t instanceof CannotCreateTransactionException
                || t instanceof DataAccessResourceFailureException
                || t instanceof QueryTimeoutException
                || t instanceof TransactionSystemException
                || t instanceof SQLTransientConnectionException
                || t instanceof SQLException sql && sql.getSQLState() != null
                        && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")));
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
