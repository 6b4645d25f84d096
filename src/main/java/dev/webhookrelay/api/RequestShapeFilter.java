package dev.webhookrelay.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.api.problem.ProblemJson;
import dev.webhookrelay.config.ApiRequests;
import dev.webhookrelay.config.RelayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses requests the API cannot read before they reach Camel: platform-http would parse a
 * non-JSON POST as a form and fail with a 500, an oversized body should not be read at all, and a
 * header or query parameter holding control characters would be refused by Spring Security's
 * firewall only when Camel reads it, on another thread, after the servlet request is gone. A chunked
 * body announces no length, so it is read here up to the limit and refused as soon as it goes
 * beyond, instead of being buffered whole downstream.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestShapeFilter extends OncePerRequestFilter {

    private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");
    /** Room for the envelope ({"type": ..., "payload": ...}) around a payload of the maximum size. */
    private static final int ENVELOPE_ALLOWANCE = 1024;

    private final long maxBodyBytes;

    public RequestShapeFilter(RelayProperties properties) {
        this.maxBodyBytes = (long) properties.ingest().maxPayloadBytes() + ENVELOPE_ALLOWANCE;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ProblemException refusal = refusal(request);
        if (refusal != null) {
            reject(response, refusal);
            return;
        }
        if (hasApiBody(request) && request.getContentLengthLong() < 0) {
            byte[] chunked = request.getInputStream().readNBytes((int) maxBodyBytes + 1);
            if (chunked.length > maxBodyBytes) {
                reject(response, ProblemException.tooLarge(
                        "Request body exceeds the limit of " + maxBodyBytes + " bytes", "payload"));
                return;
            }
            chain.doFilter(new BufferedBodyRequest(request, chunked), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Body checks (API only) first: they need no parsing, and a form body must not be parsed as
     * parameters. Unreadable text is refused on every path: the firewall guards the console too.
     */
    private ProblemException refusal(HttpServletRequest request) {
        if (hasApiBody(request)) {
            if (!isJson(request.getContentType())) {
                return ProblemException.unsupportedMediaType(
                        "Content-Type must be application/json, got " + describe(request.getContentType()));
            }
            if (request.getContentLengthLong() > maxBodyBytes) {
                return ProblemException.tooLarge(
                        "Request body of " + request.getContentLengthLong() + " bytes exceeds the limit", "payload");
            }
        }
        String unreadable = UnreadableText.firstIn(request);
        return unreadable == null ? null : new ProblemException(400, "Bad Request",
                unreadable + " holds control characters or unassigned code points", unreadable);
    }

    private static boolean hasApiBody(HttpServletRequest request) {
        return ApiRequests.isApi(request) && METHODS_WITH_BODY.contains(request.getMethod())
                && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase();
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    private static String describe(String contentType) {
        return contentType == null ? "none" : contentType;
    }

    private static void reject(HttpServletResponse response, ProblemException problem) throws IOException {
        response.setStatus(problem.status());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ProblemJson.write(problem.toProblemDetail()));
    }
}
