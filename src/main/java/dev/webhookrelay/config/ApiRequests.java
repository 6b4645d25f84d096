package dev.webhookrelay.config;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which requests are the API's: those under the REST DSL's base path (routes/*.camel.yaml). Decided
 * on the servlet path, which Tomcat has decoded and normalized, the path Spring MVC routes on. The
 * raw request URI spells one path many ways: {@code /%761/events} and {@code /v1;x/events} reach the
 * same route as {@code /v1/events}, so a check keyed on the raw URI is a check a caller can skip.
 */
public final class ApiRequests {

    /** The REST DSL's base path: every API operation is under it. */
    public static final String BASE_PATH = "/v1/";

    private ApiRequests() {
    }

    public static boolean isApi(HttpServletRequest request) {
        return request.getServletPath().startsWith(BASE_PATH);
    }
}
