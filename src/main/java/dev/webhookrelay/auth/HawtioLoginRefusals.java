package dev.webhookrelay.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.api.problem.ProblemJson;
import dev.webhookrelay.api.problem.ProblemResponder;
import dev.webhookrelay.config.NoSessionBeforeLogin;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.stereotype.Component;

/**
 * How Hawtio and Jolokia refuse a login, by HTTP Basic (as the entry point) or by Spring Security's
 * form at /login (as its failure handler): with Spring Security's own answers (the Basic challenge,
 * /login?error), except when the address has no attempts left ({@link ConsoleLogins.Throttled}):
 * then 429 with Retry-After, an application/problem+json document, and no challenge (a client that
 * asks for the password again would only be refused again). Spring Security's login page could not
 * tell that apart from a wrong password.
 */
@Component
public class HawtioLoginRefusals implements AuthenticationEntryPoint, AuthenticationFailureHandler {

    /** Spring Security's own realm and failure page, so other refusals are answered as before. */
    private static final String REALM = "Realm";
    private static final String WRONG_PASSWORD_PAGE = "/login?error";

    private final BasicAuthenticationEntryPoint challenge = new BasicAuthenticationEntryPoint();
    private final AuthenticationFailureHandler wrongPassword = NoSessionBeforeLogin.failure(WRONG_PASSWORD_PAGE, Map.of());

    public HawtioLoginRefusals() {
        challenge.setRealmName(REALM);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException refusal)
            throws IOException {
        if (refusal instanceof ConsoleLogins.Throttled throttled) {
            answer(response, throttled.problem());
        } else {
            challenge.commence(request, response, refusal);
        }
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException refusal) throws IOException, ServletException {
        if (refusal instanceof ConsoleLogins.Throttled throttled) {
            answer(response, throttled.problem());
        } else {
            wrongPassword.onAuthenticationFailure(request, response, refusal);
        }
    }

    private static void answer(HttpServletResponse response, ProblemException problem) throws IOException {
        response.setStatus(problem.status());
        response.setHeader("Retry-After", Long.toString(ProblemResponder.retryAfterSeconds(problem.retryAfter())));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ProblemJson.write(problem.toProblemDetail()));
    }
}
