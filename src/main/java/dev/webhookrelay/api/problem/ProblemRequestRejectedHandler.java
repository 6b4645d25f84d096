package dev.webhookrelay.api.problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.stereotype.Component;

/**
 * Spring Security's firewall sees every request, the API's too, and refuses paths it deems unsafe
 * (encoded slashes, "..", ";"). Without this handler such a refusal surfaces as a 500; it is the
 * caller's mistake, so a 400 problem document. The firewall's message quotes the input: not echoed.
 */
@Component
public class ProblemRequestRejectedHandler implements RequestRejectedHandler {

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            RequestRejectedException rejected) throws IOException {
        response.setStatus(400);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ProblemJson.write(ProblemException.badRequest(
                "The request's path holds characters or sequences that are not allowed (encoded '/', '..', ';', '%', control characters)")
                .toProblemDetail()));
    }
}
