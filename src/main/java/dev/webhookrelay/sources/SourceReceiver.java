package dev.webhookrelay.sources;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.HttpCaller;
import dev.webhookrelay.auth.Sha256;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.ingest.AcceptedEvent;
import dev.webhookrelay.ingest.EventStore;
import dev.webhookrelay.ingest.EventTypes;
import dev.webhookrelay.ingest.IngestRequest;
import dev.webhookrelay.ingest.IngestRequestParser;
import dev.webhookrelay.ingest.StoredIdempotentAnswer;
import dev.webhookrelay.query.PathIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * POST /v1/in/{source}: no API key, the provider's signature is the credential. A verified request
 * becomes an ingest request of the source's tenant (exchange properties as the API-key route sets
 * them), which the store-event route commits with its fan-out like POST /v1/events; the provider's
 * event or delivery id is its idempotency key, so a provider's retry never stores a second event.
 * Every refusal is counted and kept (SourceRejections) before it is answered.
 */
@Component("sourceReceiver")
public class SourceReceiver {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final String PROVIDER = "relaySourceProvider";
    /** Room for "source:<uuid>:" within the 255 characters of an Idempotency-Key. */
    private static final int MAX_PROVIDER_ID_LENGTH = 200;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final SourceSecrets secrets;
    private final SourceRejections rejections;
    private final MeterRegistry registry;
    private final int maxPayloadBytes;
    private final Duration tolerance;

    public SourceReceiver(JdbcTemplate jdbc, ObjectMapper json, SourceSecrets secrets, SourceRejections rejections,
            MeterRegistry registry, RelayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.secrets = secrets;
        this.rejections = rejections;
        this.registry = registry;
        this.maxPayloadBytes = properties.ingest().maxPayloadBytes();
        this.tolerance = properties.sources().timestampTolerance();
    }

    public void receive(Exchange exchange) {
        Source source = find(exchange);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        InboundRequest request = new InboundRequest(body == null ? new byte[0] : body, headersOf(exchange));
        try {
            accept(exchange, source, request);
        } catch (SourceRejection rejection) {
            rejections.record(source, rejection.reason(), rejection.getMessage(), HttpCaller.address(exchange),
                    request.body());
            throw new ProblemException(rejection.reason().status(), title(rejection.reason().status()),
                    rejection.getMessage(), null);
        }
    }

    private void accept(Exchange exchange, Source source, InboundRequest request) {
        List<byte[]> keys = secrets.current(source.id()).stream()
                .map(secret -> SignatureSchemes.keyOf(source.provider(), secret)).toList();
        SignatureSchemes.verify(source, keys, request, Instant.now(), tolerance);
        if (request.body().length > maxPayloadBytes) {
            throw new SourceRejection(RejectionReason.BODY_TOO_LARGE,
                    "body of " + request.body().length + " bytes exceeds " + maxPayloadBytes);
        }
        JsonNode payload;
        try {
            payload = JsonBodies.document(json, request.body());
        } catch (ProblemException unreadable) {
            throw new SourceRejection(RejectionReason.UNREADABLE_BODY, unreadable.getMessage());
        }
        String type = ProviderEvents.type(source, request, payload);
        if (!EventTypes.isValidType(type)) {
            throw new SourceRejection(RejectionReason.NO_EVENT_TYPE, type == null
                    ? "the request names no event type and the source has no eventType"
                    : "event type '" + type + "' does not match ^[A-Za-z0-9._-]{1,128}$; set the source's eventType");
        }
        String providerId = ProviderEvents.id(source, request, payload);
        String idempotencyKey = providerId == null ? null : "source:" + source.id() + ":"
                + (providerId.length() <= MAX_PROVIDER_ID_LENGTH ? providerId : "sha256:" + Sha256.hex(
                        providerId.getBytes(StandardCharsets.UTF_8)));
        exchange.setProperty(ApiKeyAuthenticator.TENANT_ID, source.tenantId());
        exchange.setProperty(PROVIDER, source.provider().code());
        exchange.setProperty(IngestRequestParser.REQUEST,
                new IngestRequest(type, serialize(payload), Sha256.hex(request.body()), idempotencyKey));
        exchange.getMessage().removeHeader(IDEMPOTENCY_HEADER);
        if (idempotencyKey != null) {
            exchange.getMessage().setHeader(IDEMPOTENCY_HEADER, idempotencyKey);
        }
    }

    /** After the commit: 202 with the event's id, the same one again for a provider's retry. */
    public void respond(Exchange exchange) throws JsonProcessingException {
        AcceptedEvent accepted = exchange.getProperty(EventStore.ACCEPTED, AcceptedEvent.class);
        var message = exchange.getMessage();
        boolean replayed = message.getHeader(StoredIdempotentAnswer.REPLAYED_HEADER) != null;
        message.removeHeaders("*");
        if (replayed) {
            message.setHeader(StoredIdempotentAnswer.REPLAYED_HEADER, "true");
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.writeValueAsString(Map.of("eventId", accepted.id(), "type", accepted.type())));
        Counter.builder("relay.sources.accepted").description("Requests to /v1/in/{source} stored, by provider")
                .tag("provider", exchange.getProperty(PROVIDER, String.class))
                .tag("replayed", Boolean.toString(replayed))
                .register(registry).increment();
    }

    /**
     * The source, or 404. An id that is not a UUID is answered like an unknown one, and both alike
     * after the same single lookup by primary key; neither is stored anywhere.
     */
    private Source find(Exchange exchange) {
        UUID sourceId;
        try {
            sourceId = PathIds.of(exchange.getMessage().getHeader("id", String.class));
        } catch (ProblemException notAnId) {
            sourceId = new UUID(0, 0);
        }
        List<Source> found = jdbc.query("""
                SELECT id, tenant_id, provider, event_type, settings::text FROM sources
                WHERE id = ? AND deleted_at IS NULL""",
                (rs, n) -> {
                    Provider provider = Provider.of(rs.getString(3));
                    HmacSettings hmac = provider == Provider.HMAC ? HmacSettings.fromStored(readTree(rs.getString(5))) : null;
                    return new Source(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), provider,
                            rs.getString(4), hmac);
                }, sourceId);
        if (found.isEmpty()) {
            rejections.unknownSource();
            throw ProblemException.notFound("No such source");
        }
        return found.get(0);
    }

    private static UnaryOperator<String> headersOf(Exchange exchange) {
        if (exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_REQUEST) instanceof HttpServletRequest servlet) {
            return servlet::getHeader;
        }
        return name -> null;
    }

    private String serialize(JsonNode payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new SourceRejection(RejectionReason.UNREADABLE_BODY, "the body cannot be serialised");
        }
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sources.settings is not JSON", e);
        }
    }

    private static String title(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 413 -> "Content Too Large";
            default -> "Bad Request";
        };
    }
}
