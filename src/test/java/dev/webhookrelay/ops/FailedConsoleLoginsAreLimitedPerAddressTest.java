package dev.webhookrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.webhookrelay.api.problem.ProblemException;
import dev.webhookrelay.auth.AuthenticationAttempts;
import dev.webhookrelay.support.RawHttp;
import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console user's password cannot be guessed at any rate: failed logins, by HTTP Basic (Hawtio,
 * Jolokia) or by either login form, count against the address in the API's budget
 * (relay.auth.failed-attempts-per-minute, ConsoleLoginsAreLimitedPerAddressTest), and from an
 * address with none left no password is checked, the right one neither: Basic and Hawtio's form
 * answer 429 problems, the web console's form its login page saying why. The budget is used up
 * through the bean just before each such login (at the suite's 1,000 a minute a token comes back
 * every 60 ms: a login that met one is tried again). Each test has addresses of its own (127.0.0.4
 * to 127.0.0.8); the rest of the suite calls from 127.0.0.1.
 */
class FailedConsoleLoginsAreLimitedPerAddressTest extends RelayIntegrationTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Autowired
    AuthenticationAttempts attempts;

    @Test
    void basicLoginsAre429FromAnAddressWithNoAttemptsLeftWhileAnotherAddressLogsIn() {
        Response wrong = basicFrom("127.0.0.4", "wrong");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Realm\"");

        for (String password : List.of("wrong", CONSOLE_PASSWORD)) {
            Response refused = onceUsedUp("127.0.0.4", () -> basicFrom("127.0.0.4", password), r -> r.status() != 429);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(refused.header("WWW-Authenticate")).isNull();
            assertThat(refused.json().get("status").asInt()).isEqualTo(429);
        }

        assertThat(basicFrom("127.0.0.5", CONSOLE_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void theWebConsolesFormSaysSoWhenItsAddressHasNoAttemptsLeft() {
        Response refused = onceUsedUp("127.0.0.6", () -> formLoginFrom("127.0.0.6", "/console/login", CONSOLE_PASSWORD),
                r -> !String.valueOf(r.header("Location")).endsWith("?throttled"));
        assertThat(refused.header("Location")).endsWith("/console/login?throttled");
        Response page = getFrom("127.0.0.6", "/console/login?throttled");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Too many failed sign-ins from this address");

        assertThat(formLoginFrom("127.0.0.7", "/console/login", CONSOLE_PASSWORD).header("Location")).endsWith("/console");
        assertThat(formLoginFrom("127.0.0.7", "/console/login", "wrong").header("Location")).endsWith("/console/login?error");
    }

    @Test
    void hawtiosFormIs429WhenItsAddressHasNoAttemptsLeft() {
        Response refused = onceUsedUp("127.0.0.8", () -> formLoginFrom("127.0.0.8", "/login", CONSOLE_PASSWORD),
                r -> r.status() != 429);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.header("Retry-After")).isNotNull();

        Response wrong = formLoginFrom("127.0.0.1", "/login", "wrong");
        assertThat(wrong.header("Location")).endsWith("/login?error");
        assertThat(getFrom("127.0.0.1", "/login?error").body()).contains("Invalid credentials");
    }

    /** The login sent right after the address's budget is used up, again while a token came back meanwhile. */
    private Response onceUsedUp(String address, Supplier<Response> login, Predicate<Response> metAToken) {
        Response answer;
        int tries = 0;
        do {
            while (true) {
                try {
                    attempts.take(address);
                } catch (ProblemException none) {
                    break;
                }
            }
            answer = login.get();
        } while (metAToken.test(answer) && ++tries < 20);
        return answer;
    }

    private Response basicFrom(String address, String password) {
        String credentials = Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        return send(address, "GET", "/actuator/jolokia/version", List.of(Map.entry("Authorization", "Basic " + credentials)),
                null);
    }

    /** The login page first, for its session and CSRF token, then the form posted as a browser would. */
    private Response formLoginFrom(String address, String loginPath, String password) {
        Response page = getFrom(address, loginPath);
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        String form = "username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        return send(address, "POST", loginPath, List.of(Map.entry("Cookie", cookies(page)),
                Map.entry("Content-Type", "application/x-www-form-urlencoded")), form);
    }

    private Response getFrom(String address, String path) {
        return send(address, "GET", path, List.of(), null);
    }

    /** The cookies an answer set, as a Cookie header. */
    private static String cookies(Response answer) {
        return String.join("; ", answer.headers().getOrDefault("set-cookie", List.of()).stream()
                .map(cookie -> cookie.split(";", 2)[0]).toList());
    }

    private Response send(String address, String method, String path, List<Map.Entry<String, String>> headers, String body) {
        List<Map.Entry<String, byte[]>> raw = headers.stream()
                .map(h -> Map.entry(h.getKey(), h.getValue().getBytes(StandardCharsets.ISO_8859_1))).toList();
        return RawHttp.sendFrom(address, port, new RawHttp.Request(method, path.getBytes(StandardCharsets.US_ASCII), raw,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false));
    }
}
