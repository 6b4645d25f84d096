package dev.webhookrelay.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * Writes Spring's ProblemDetail as the API's application/problem+json text. Needed because these
 * answers are written outside Spring MVC's message converters: by Camel routes, a servlet filter,
 * Spring Security's firewall handler and a Tomcat valve that runs before Spring.
 */
public final class ProblemJson {

    /** Spring's own mixin: extension members (such as field) at the top level, absent members left out. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);

    private ProblemJson() {
    }

    public static String write(ProblemDetail problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
