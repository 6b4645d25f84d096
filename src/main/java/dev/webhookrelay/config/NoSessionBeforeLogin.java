package dev.webhookrelay.config;

import java.util.HashMap;
import java.util.Map;

import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.ExceptionMappingAuthenticationFailureHandler;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;

/**
 * What the login chains keep for a request that is not logged in: nothing on the server. Spring
 * Security's defaults each open an HTTP session for one (the CSRF token of the login form, the page
 * asked for, the reason a login failed), and a session stays half an hour: one anonymous
 * request after the other, sessions of 23 KB each filled the heap and stopped the relay. A session is
 * made only by a login that succeeds.
 */
public final class NoSessionBeforeLogin {

    private NoSessionBeforeLogin() {
    }

    /**
     * Back to the login page with an error (to its own page for a refusal of one of those kinds), the
     * reason not kept (the page says only what kind of refusal it was).
     */
    public static AuthenticationFailureHandler failure(String url,
            Map<Class<? extends AuthenticationException>, String> urlsByRefusal) {
        ExceptionMappingAuthenticationFailureHandler failure = new ExceptionMappingAuthenticationFailureHandler();
        failure.setDefaultFailureUrl(url);
        Map<String, String> byName = new HashMap<>();
        urlsByRefusal.forEach((refusal, page) -> byName.put(refusal.getName(), page));
        failure.setExceptionMappings(byName);
        failure.setAllowSessionCreation(false);
        return failure;
    }

    /**
     * The CSRF token in a cookie of its own (unreadable by scripts, sent only by the relay's own pages),
     * which the form echoes: nothing stored on the server before a login.
     */
    public static CsrfTokenRepository csrfTokens(String cookieName, String path) {
        CookieCsrfTokenRepository tokens = new CookieCsrfTokenRepository();
        tokens.setCookieName(cookieName);
        tokens.setCookiePath(path);
        tokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        return tokens;
    }
}
