package dev.webhookrelay.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.webhookrelay.support.RelayIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * A request that is not logged in keeps nothing on the server: Spring Security's defaults opened an
 * HTTP session for each (the login form's CSRF token, the page asked for, a failed login's reason),
 * kept half an hour, and 24,000 anonymous requests filled the heap until the relay stopped. Only a
 * login that succeeds opens one.
 */
class AnonymousRequestsOpenNoSessionTest extends RelayIntegrationTest {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Test
    void noAnonymousRequestToTheConsolesOpensASession() {
        for (String path : List.of("/console", "/console/t/00000000-0000-0000-0000-000000000000/events?a=" + "q".repeat(2000),
                "/console/login", "/actuator/jolokia/version", "/actuator/hawtio/", "/login")) {
            Response answer = get(path, Map.of("Accept", "text/html"));
            assertThat(answer.status()).as(path).isLessThan(500);
            assertThat(sessionCookie(answer)).as(path).isNull();
        }
    }

    @Test
    void aFailedLoginOpensNoSessionAndOneThatSucceedsDoes() {
        Response failed = logIn("/console/login", "CONSOLE-XSRF-TOKEN", "wrong");
        assertThat(failed.status()).isEqualTo(302);
        assertThat(failed.header("Location")).endsWith("/console/login?error");
        assertThat(sessionCookie(failed)).isNull();

        Response hawtioFailed = logIn("/login", "XSRF-TOKEN", "wrong");
        assertThat(hawtioFailed.status()).isEqualTo(302);
        assertThat(hawtioFailed.header("Location")).endsWith("/login?error");
        assertThat(sessionCookie(hawtioFailed)).isNull();

        Response succeeded = logIn("/console/login", "CONSOLE-XSRF-TOKEN", CONSOLE_PASSWORD);
        assertThat(succeeded.status()).isEqualTo(302);
        assertThat(succeeded.header("Location")).endsWith("/console");
        assertThat(sessionCookie(succeeded)).isNotNull();
    }

    /** The login form as a browser posts it: its CSRF field, and the cookie the page set for it. */
    private Response logIn(String page, String csrfCookie, String password) {
        Response form = get(page, Map.of("Accept", "text/html"));
        Matcher field = CSRF_FIELD.matcher(form.body());
        assertThat(field.find()).as("CSRF field on " + page).isTrue();
        String cookie = cookie(form, csrfCookie);
        assertThat(cookie).as(csrfCookie + " set by " + page).isNotNull();
        String body = "username=admin&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(field.group(1), StandardCharsets.UTF_8);
        return post(page, body, Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Cookie", csrfCookie + "=" + cookie));
    }

    private static String sessionCookie(Response answer) {
        return cookie(answer, "JSESSIONID");
    }

    private static String cookie(Response answer, String name) {
        return answer.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(h -> h.getValue().stream()).filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElse(null);
    }
}
