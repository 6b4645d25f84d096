package dev.webhookrelay.console;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.auth.Caller;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;

/**
 * Calls the API's own services (admin, query, replay) for a console page: an exchange shaped like an
 * authenticated API request of the scope's tenant (its tenant, its actor for the audit trail, the
 * path and query parameters as headers, a JSON body), so every check of the API applies unchanged.
 */
@Component
class ServiceCalls {

    private final CamelContext camel;
    private final ObjectMapper json;

    ServiceCalls(CamelContext camel, ObjectMapper json) {
        this.camel = camel;
        this.json = json;
    }

    Exchange request(ConsoleScope scope, Map<String, ?> parameters) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(ApiKeyAuthenticator.TENANT_ID, scope.tenantId());
        Caller.identifyConsoleUser(exchange, scope.actor());
        parameters.forEach((name, value) -> {
            if (value != null) {
                exchange.getMessage().setHeader(name, value.toString());
            }
        });
        return exchange;
    }

    Exchange request(ConsoleScope scope, UUID id, Object body) {
        Exchange exchange = request(scope, id == null ? Map.of() : Map.of("id", id));
        try {
            exchange.getMessage().setBody(body == null ? new byte[0] : json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return exchange;
    }
}
