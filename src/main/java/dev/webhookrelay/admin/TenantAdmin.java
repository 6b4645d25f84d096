package dev.webhookrelay.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.JsonBodies;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeys;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Creates tenants, each with its first API key (returned once, stored hashed). */
@Component("tenantAdmin")
public class TenantAdmin {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public TenantAdmin(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Transactional
    public Map<String, Object> create(Exchange exchange) {
        JsonNode body = JsonBodies.object(json, exchange.getMessage().getBody(byte[].class), Set.of("name"));
        String name = JsonBodies.optionalText(body, "name", 200);
        if (name == null || name.isBlank()) {
            throw ProblemException.invalid("name", "name is required");
        }
        UUID tenantId = UUID.randomUUID();
        String apiKey = ApiKeys.generate();
        jdbc.update("INSERT INTO tenants (id, name) VALUES (?, ?)", tenantId, name);
        jdbc.update("INSERT INTO api_keys (id, tenant_id, key_hash, key_prefix) VALUES (?, ?, ?, ?)",
                UUID.randomUUID(), tenantId, ApiKeys.hash(apiKey), ApiKeys.displayPrefix(apiKey));
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("id", tenantId);
        created.put("name", name);
        created.put("apiKey", apiKey);
        return created;
    }
}
