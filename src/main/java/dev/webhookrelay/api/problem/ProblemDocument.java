package dev.webhookrelay.api.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Serialises an RFC 9457 problem document; shared by the Camel routes and the servlet filter. */
public final class ProblemDocument {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemDocument() {
    }

    public static String json(int status, String title, String detail, String field) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (field != null) {
            problem.put("field", field);
        }
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String json(ProblemException problem) {
        return json(problem.status(), problem.title(), problem.getMessage(), problem.field());
    }
}
