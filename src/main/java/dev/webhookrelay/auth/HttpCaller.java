package dev.webhookrelay.auth;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;

/**
 * What the caller really sent: the HTTP request's own headers and the address it came from. Camel's
 * message headers are no place to read credentials from, because platform-http copies every query
 * parameter into them as well ({@code ?X-API-Key=...} would become a header), and a key in a URL ends
 * up in access logs, proxies and browser history.
 */
public final class HttpCaller {

    private HttpCaller() {
    }

    /** The bearer token or X-API-Key header of the request, or null when none was sent. */
    public static String presentedKey(Exchange exchange) {
        HttpServletRequest request = request(exchange);
        if (request == null) {
            return null;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).trim();
            return key.isEmpty() ? null : key;
        }
        String apiKey = request.getHeader("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    /**
     * The peer address of the connection. Behind a reverse proxy it is the proxy's unless Spring Boot's
     * server.forward-headers-strategy trusts that proxy's X-Forwarded-For.
     */
    public static String address(Exchange exchange) {
        HttpServletRequest request = request(exchange);
        return request == null ? "unknown" : request.getRemoteAddr();
    }

    /** platform-http puts the servlet request into this header; a string of that name from a client is no request. */
    private static HttpServletRequest request(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_REQUEST) instanceof HttpServletRequest request
                ? request : null;
    }
}
