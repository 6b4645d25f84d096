package dev.webhookrelay.transform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Endpoints' JSONata transformations (com.dashjoin:jsonata, the engine of camel-jsonata): compiled
 * once per endpoint version, evaluated over {@code {type, timestamp, data}} within
 * {@link EvaluationBounds}. The result is the request body, unless it is an object whose only member
 * is {@value #ENVELOPE}: then that member is {@code {"body", "headers"?, "path"?}}.
 */
@Component
public class Transformations {

    public static final String ENVELOPE = "$relay";
    public static final int MAX_EXPRESSION_CHARS = 10_000;

    private final ObjectMapper json;
    private final long timeoutMillis;
    private final int maxDepth;
    private final int maxOutputBytes;
    private final Cache<String, Jsonata> compiled;

    @Autowired
    public Transformations(ObjectMapper json, RelayProperties properties) {
        this(json, properties.transformations());
    }

    public Transformations(ObjectMapper json, RelayProperties.Transformations bounds) {
        this.json = json;
        this.timeoutMillis = bounds.timeout().toMillis();
        this.maxDepth = bounds.maxDepth();
        this.maxOutputBytes = bounds.maxOutputBytes();
        this.compiled = Caffeine.newBuilder().maximumSize(bounds.cacheSize()).build();
    }

    /** Compiles an expression, or says why and where it cannot be. */
    public static Jsonata compile(String expression) throws TransformationException {
        if (expression.length() > MAX_EXPRESSION_CHARS) {
            throw new TransformationException("transformation is longer than " + MAX_EXPRESSION_CHARS + " characters", -1);
        }
        try {
            Jsonata compiled = Jsonata.jsonata(expression);
            // Compiling makes the expression this thread's scratch instance, into which every later
            // evaluation on the thread writes its frames (growing a cached expression's environment
            // forever); a throwaway expression takes that place.
            Jsonata.jsonata("$");
            RegularExpressions.takeOver(compiled);
            return compiled;
        } catch (JException invalid) {
            throw new TransformationException(message(invalid), invalid.getLocation());
        } catch (RuntimeException | StackOverflowError invalid) {
            // The parser's own failures (deep nesting included) say nothing a caller can act on beyond this.
            throw new TransformationException("transformation is not a JSONata expression the relay can compile", -1);
        }
    }

    /**
     * Applies an endpoint's transformation, compiled once per endpoint version ({@code id} and
     * {@code updatedAt}: an update writes a new version, so a changed expression is never served stale).
     */
    public Transformed apply(UUID endpointId, Instant version, String expression, String type, Instant timestamp,
            String payloadJson) throws TransformationException {
        Jsonata compiledExpression = compiled.getIfPresent(endpointId + "@" + version);
        if (compiledExpression == null) {
            compiledExpression = compile(expression);
            compiled.put(endpointId + "@" + version, compiledExpression);
        }
        return apply(compiledExpression, type, timestamp, payloadJson);
    }

    public Transformed apply(Jsonata expression, String type, Instant timestamp, String payloadJson)
            throws TransformationException {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("type", type);
        input.put("timestamp", timestamp.toString());
        Object result;
        try {
            input.put("data", json.readValue(payloadJson, Object.class));
            result = expression.evaluate(input, EvaluationBounds.frame(expression, timeoutMillis, maxDepth, maxOutputBytes));
        } catch (JException failed) {
            throw new TransformationException(message(failed), failed.getLocation());
        } catch (StackOverflowError failed) {
            throw new TransformationException("transformation recursed too deeply", -1);
        } catch (IOException | RuntimeException failed) {
            // An engine failure outside JSONata's own errors: its class and message are internals.
            throw new TransformationException("transformation failed on a value it cannot handle", -1);
        }
        return envelope(result);
    }

    /** JSONata's words, without the prefix it puts before a message that has no error code. */
    private static String message(JException failed) {
        String message = String.valueOf(failed.getMessage());
        return message.startsWith("JSonataException ") ? message.substring("JSonataException ".length()) : message;
    }

    private Transformed envelope(Object result) throws TransformationException {
        if (!(result instanceof Map<?, ?> map) || !map.containsKey(ENVELOPE)) {
            return new Transformed(body(result), Map.of(), null);
        }
        if (map.size() != 1 || !(map.get(ENVELOPE) instanceof Map<?, ?> envelope)) {
            throw new TransformationException("a result with a \"" + ENVELOPE + "\" member must have no other member, and "
                    + ENVELOPE + " must be an object {\"body\", \"headers\", \"path\"}", -1);
        }
        for (Object member : envelope.keySet()) {
            if (!"body".equals(member) && !"headers".equals(member) && !"path".equals(member)) {
                throw new TransformationException(ENVELOPE + " has an unknown member '" + member
                        + "'; allowed: body, headers, path", -1);
            }
        }
        return new Transformed(body(envelope.get("body")), headers(envelope.get("headers")), path(envelope.get("path")));
    }

    private String body(Object value) throws TransformationException {
        if (value == null) {
            throw new TransformationException("transformation produced no body (its result is undefined)", -1);
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JsonGenerator out = json.getFactory().createGenerator(new Bounded(buffer, maxOutputBytes))) {
            write(out, value);
        } catch (TooLarge tooLarge) {
            throw new TransformationException("transformed body is larger than " + maxOutputBytes
                    + " bytes (relay.transformations.max-output-bytes)", -1);
        } catch (IOException failed) {
            throw new TransformationException("transformed body could not be written as JSON: " + failed.getMessage(), -1);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** JSON values only: a function, or a number JSON cannot hold, is an error rather than a guess. */
    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null || value == Jsonata.NULL_VALUE) {
            out.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            out.writeStartArray();
            for (Object item : list) {
                write(out, item);
            }
            out.writeEndArray();
        } else if (value instanceof CharSequence text) {
            out.writeString(text.toString());
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else if (value instanceof Double number && (number.isNaN() || number.isInfinite())) {
            throw new IOException("the result holds a number JSON cannot represent");
        } else if (value instanceof Number number) {
            out.writeNumber(number.toString());
        } else {
            throw new IOException("the result holds a function or another value that is not JSON");
        }
    }

    private static Map<String, String> headers(Object value) throws TransformationException {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> given)) {
            throw new TransformationException(ENVELOPE + ".headers must be an object of strings", -1);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<?, ?> header : given.entrySet()) {
            if (!(header.getValue() instanceof String text)) {
                throw new TransformationException(ENVELOPE + ".headers." + header.getKey() + " must be a string", -1);
            }
            headers.put(String.valueOf(header.getKey()), text);
        }
        return headers;
    }

    private static String path(Object value) throws TransformationException {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return null;
        }
        if (!(value instanceof String path)) {
            throw new TransformationException(ENVELOPE + ".path must be a string such as \"/orders/42\"", -1);
        }
        return path;
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("over the limit");
        }
    }

    /** Stops the writer at the limit: a shared value printed many times over never fills the memory. */
    private static final class Bounded extends OutputStream {
        private final OutputStream target;
        private final int limit;
        private long written;

        Bounded(OutputStream target, int limit) {
            this.target = target;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count(len);
            target.write(b, off, len);
        }

        private void count(int more) throws TooLarge {
            written += more;
            if (written > limit) {
                throw new TooLarge();
            }
        }
    }
}
