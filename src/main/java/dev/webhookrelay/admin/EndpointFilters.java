package dev.webhookrelay.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.ApiKeyAuthenticator;
import dev.webhookrelay.config.RelayProperties;
import dev.webhookrelay.query.PathIds;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.postgresql.util.PSQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * An endpoint's payload filter: a SQL/JSON path predicate over {@code {type, data}}, evaluated by
 * PostgreSQL at fan-out, inside the ingest statement (relay_filter_matches, migration V35). PostgreSQL
 * is also the validator, so what registration accepts is exactly what the fan-out runs, once
 * FilterCostRule has refused the shapes whose cost grows with the square of the event.
 */
@Component("endpointFilters")
public class EndpointFilters {

    static final int MAX_FILTER_CHARS = 2000;
    /**
     * A predicate over any event evaluates to true, false or unknown; a path that is not a predicate
     * ({@code $.data.amount}) fails on this empty event with "single boolean result is expected".
     */
    private static final String EMPTY_EVENT = "{\"type\":\"\",\"data\":{}}";

    private final JdbcTemplate jdbc;
    /** The preview runs a stored filter over an example the tenant sends: no longer than an ingest may. */
    private final JdbcTemplate preview;
    private final ObjectMapper json;

    public EndpointFilters(JdbcTemplate jdbc, ObjectMapper json, RelayProperties properties) {
        this.jdbc = jdbc;
        this.preview = new JdbcTemplate(jdbc.getDataSource());
        this.preview.setQueryTimeout((int) Math.max(1, properties.ingest().transactionTimeout().toSeconds()));
        this.json = json;
    }

    /** The filter of a create or update body; null when absent or null (no filter). */
    public String validate(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw ProblemException.invalid("filter", "filter must be a non-empty string: a SQL/JSON path predicate "
                    + "over {type, data}, e.g. $.data.amount > 100 && $.data.currency == \"EUR\"");
        }
        String filter = value.textValue();
        if (filter.length() > MAX_FILTER_CHARS) {
            throw ProblemException.invalid("filter", "filter is longer than " + MAX_FILTER_CHARS + " characters");
        }
        // Parsed first, without running it: a filter is judged by its cost before PostgreSQL evaluates it.
        String canonical;
        try {
            canonical = jdbc.queryForObject("SELECT ?::jsonpath::text", String.class, filter);
        } catch (DataAccessException refused) {
            throw notAPredicate(refused);
        }
        FilterCostRule.violation(canonical).ifPresent(why -> {
            throw ProblemException.invalid("filter", "filter could cost more than a pass over the event: " + why);
        });
        try {
            jdbc.queryForObject("SELECT jsonb_path_match(?::jsonb, ?::jsonpath, '{}', false)", Boolean.class,
                    EMPTY_EVENT, filter);
        } catch (DataAccessException refused) {
            throw notAPredicate(refused);
        }
        return filter;
    }

    /** Whether an event would be delivered to the endpoint: its subscribed types, then its filter. */
    public Map<String, Object> preview(@ExchangeProperty(ApiKeyAuthenticator.TENANT_ID) UUID tenantId,
            @Header("id") String id, @Body byte[] body) throws JsonProcessingException {
        UUID endpointId = PathIds.of(id);
        ExampleEvent event = ExampleEvent.wrapped(json, body);
        List<Map<String, Object>> found = preview.query("""
                SELECT filter, relay_event_type_matches(event_types, ?) AS type_matches,
                       relay_filter_matches(filter, ?, ?::jsonb) AS filter_matches
                  FROM endpoints WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL AND NOT operational""",
                (rs, n) -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("matches", rs.getBoolean("type_matches") && rs.getBoolean("filter_matches"));
                    answer.put("eventTypeMatches", rs.getBoolean("type_matches"));
                    answer.put("filterMatches", rs.getBoolean("filter_matches"));
                    answer.put("filter", rs.getString("filter"));
                    return answer;
                },
                event.type(), event.type(), json.writeValueAsString(event.payload()), endpointId, tenantId);
        if (found.isEmpty()) {
            throw ProblemException.notFound("No endpoint " + endpointId);
        }
        return found.get(0);
    }

    private static ProblemException notAPredicate(DataAccessException refused) {
        return ProblemException.invalid("filter", "filter is not a SQL/JSON path predicate over {type, data}: "
                + postgresMessage(refused));
    }

    /** PostgreSQL's own words about the path (its position and token), without the SQL around it. */
    private static String postgresMessage(DataAccessException refused) {
        Throwable cause = refused.getMostSpecificCause();
        if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return psql.getServerErrorMessage().getMessage();
        }
        return "PostgreSQL refused it";
    }
}
