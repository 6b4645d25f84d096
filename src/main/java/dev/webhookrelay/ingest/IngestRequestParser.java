package dev.webhookrelay.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.Sha256;
import dev.webhookrelay.config.RelayProperties;
import org.springframework.stereotype.Component;

/**
 * Reads and validates the body of POST /v1/events, answering every defect with the status and
 * field name a sender can act on.
 */
@Component("ingestRequestParser")
public class IngestRequestParser {

    public static final String REQUEST = "relayIngestRequest";
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    private static final Set<String> FIELDS = Set.of("type", "payload");

    private final ObjectMapper json;
    private final int maxPayloadBytes;

    public IngestRequestParser(ObjectMapper json, RelayProperties properties) {
        this.json = json;
        this.maxPayloadBytes = properties.ingest().maxPayloadBytes();
    }

    public IngestRequest parse(byte[] body, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            throw ProblemException.invalid("Idempotency-Key",
                    "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
        }
        JsonNode root = JsonBodies.object(json, body, FIELDS);
        JsonNode type = root.get("type");
        if (type == null || type.isNull()) {
            throw ProblemException.invalid("type", "type is required");
        }
        if (!type.isTextual() || !EventTypes.isValidType(type.textValue())) {
            throw ProblemException.invalid("type", "type must match ^[A-Za-z0-9._-]{1,128}$");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            throw ProblemException.invalid("payload", "payload is required");
        }
        String payloadJson = serialize(payload);
        if (payloadJson.getBytes(StandardCharsets.UTF_8).length > maxPayloadBytes) {
            throw ProblemException.tooLarge("payload exceeds " + maxPayloadBytes + " bytes", "payload");
        }
        return new IngestRequest(type.textValue(), payloadJson, Sha256.hex(body), idempotencyKey);
    }

    /**
     * The request's one Idempotency-Key. Camel hands a header sent twice, or sent also as a query
     * parameter, as a list, which would otherwise be joined into a key nobody sent.
     */
    public static String onlyIdempotencyKey(Object header) {
        if (header instanceof Collection<?> values) {
            if (values.size() != 1) {
                throw ProblemException.invalid("Idempotency-Key", "Idempotency-Key must be sent once");
            }
            return String.valueOf(values.iterator().next());
        }
        return header == null ? null : header.toString();
    }

    private String serialize(JsonNode payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("payload cannot be serialised");
        }
    }

}
