package dev.webhookrelay.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.ingest.EventTypes;
import dev.webhookrelay.problem.ProblemException;
import dev.webhookrelay.signing.SigningSecrets;
import dev.webhookrelay.urlsafety.EndpointUrlValidator;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Registers a tenant's endpoint with a fresh Standard Webhooks signing secret. */
@Component("endpointRegistration")
public class EndpointRegistration {

    private static final Set<String> FIELDS = Set.of("url", "eventTypes", "description");
    private static final int MAX_EVENT_TYPES = 100;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final EndpointUrlValidator urlValidator;

    public EndpointRegistration(JdbcTemplate jdbc, ObjectMapper json, EndpointUrlValidator urlValidator) {
        this.jdbc = jdbc;
        this.json = json;
        this.urlValidator = urlValidator;
    }

    @Transactional
    public Map<String, Object> register(Exchange exchange) {
        UUID tenantId = exchange.getProperty(ApiKeyAuthenticator.TENANT_ID, UUID.class);
        JsonNode body = JsonBodies.object(json, exchange.getMessage().getBody(byte[].class), FIELDS);
        String url = urlValidator.validate(JsonBodies.optionalText(body, "url", 4096));
        List<String> eventTypes = eventTypes(body.get("eventTypes"));
        String description = JsonBodies.optionalText(body, "description", 1000);
        UUID endpointId = UUID.randomUUID();
        String secret = SigningSecrets.generate();
        jdbc.update(con -> {
            var statement = con.prepareStatement(
                    "INSERT INTO endpoints (id, tenant_id, url, description, event_types) VALUES (?, ?, ?, ?, ?)");
            statement.setObject(1, endpointId);
            statement.setObject(2, tenantId);
            statement.setString(3, url);
            statement.setString(4, description);
            statement.setArray(5, con.createArrayOf("text", eventTypes.toArray()));
            return statement;
        });
        jdbc.update("INSERT INTO endpoint_secrets (id, endpoint_id, secret) VALUES (?, ?, ?)",
                UUID.randomUUID(), endpointId, secret);
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("id", endpointId);
        created.put("url", url);
        created.put("eventTypes", eventTypes);
        created.put("description", description);
        created.put("enabled", true);
        created.put("secret", secret);
        return created;
    }

    static List<String> eventTypes(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ProblemException.invalid("eventTypes", "eventTypes must be an array of strings");
        }
        if (node.size() > MAX_EVENT_TYPES) {
            throw ProblemException.invalid("eventTypes", "eventTypes has more than " + MAX_EVENT_TYPES + " entries");
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : node) {
            if (!type.isTextual() || !EventTypes.isValidFilter(type.textValue())) {
                throw ProblemException.invalid("eventTypes",
                        "each event type must be an exact type (^[A-Za-z0-9._-]{1,128}$) or a prefix ending in '*'");
            }
            types.add(type.textValue());
        }
        return types;
    }
}
