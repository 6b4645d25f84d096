package dev.webhookrelay.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.webhookrelay.config.RelayProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Captures the outcome of the HTTP call into an {@link AttemptResult}, response body truncated. */
@Component("attemptResults")
public class AttemptResults {

    public static final String RESULT = "relayAttemptResult";
    public static final String STARTED = "relayAttemptStartedNanos";
    public static final String REQUEST_HEADERS = "relayRequestHeaders";

    private final int maxBodyBytes;

    public AttemptResults(RelayProperties properties) {
        this.maxBodyBytes = properties.delivery().maxResponseBodyBytes();
    }

    /** Called just before the HTTP call: remembers the start time and the headers being sent. */
    public void start(Exchange exchange) {
        Map<String, String> sent = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel")) {
                sent.put(name, name.equalsIgnoreCase("webhook-signature") ? redactSignatures(value) : String.valueOf(value));
            }
        });
        exchange.setProperty(REQUEST_HEADERS, sent);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    public void fromResponse(Exchange exchange) {
        var message = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel") && !name.startsWith("webhook-") && !name.equalsIgnoreCase("User-Agent")) {
                headers.put(name, String.valueOf(value));
            }
        });
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.setProperty(RESULT, new AttemptResult(status, headers, truncatedBody(message.getBody(byte[].class)),
                null, elapsed(exchange)));
    }

    public void fromFailure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.setProperty(RESULT, new AttemptResult(null, Map.of(), null, failure, elapsed(exchange)));
    }

    private String truncatedBody(byte[] body) {
        if (body == null) {
            return null;
        }
        byte[] kept = body.length > maxBodyBytes ? Arrays.copyOf(body, maxBodyBytes) : body;
        // A cut through a multi-byte character decodes to U+FFFD instead of failing.
        return new String(kept, StandardCharsets.UTF_8).replace("\u0000", "");
    }

    private static long elapsed(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Signatures are not secrets, but they are never logged or stored: only how many were sent. */
    private static String redactSignatures(Object value) {
        return "[" + String.valueOf(value).split(" ").length + " signature(s)]";
    }
}
