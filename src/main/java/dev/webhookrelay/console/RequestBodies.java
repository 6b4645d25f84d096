package dev.webhookrelay.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * A console form as the JSON body an API call would send, so the services validate it exactly as
 * they validate the API's (field names, sizes, unknown fields).
 */
@Component
class RequestBodies {

    private final ObjectMapper json;

    RequestBodies(ObjectMapper json) {
        this.json = json;
    }

    byte[] of(Object body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a console form could not be written as JSON", e);
        }
    }
}
