package dev.webhookrelay.config;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;

/**
 * The firewall of the requests the security chains see (console, Hawtio, Jolokia, portal): it also
 * refuses a path that percent-encodes a letter, digit or one of {@code -._~}, which no client needs
 * to (RFC 3986 2.3). Spring's request-path filter failed on one such as {@code /%61ctuator/jolokia}
 * whose servlet path it could not find in the raw path: an unauthenticated 500 that logged 17 KB of
 * stack traces for a 45-byte request. API paths are not judged by it: they reach no chain.
 */
final class PlainlySpelledPaths implements HttpFirewall {

    private static final String UNRESERVED_MARKS = "-._~";

    private final HttpFirewall firewall;

    PlainlySpelledPaths(HttpFirewall firewall) {
        this.firewall = firewall;
    }

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        if (encodesAnUnreservedCharacter(request.getRequestURI())) {
            throw new RequestRejectedException("The request was rejected because its path percent-encodes a character "
                    + "that needs no encoding (a letter, a digit or one of -._~)");
        }
        return firewall.getFirewalledRequest(request);
    }

    @Override
    public HttpServletResponse getFirewalledResponse(HttpServletResponse response) {
        return firewall.getFirewalledResponse(response);
    }

    static boolean encodesAnUnreservedCharacter(String path) {
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            int high = Character.digit(path.charAt(i + 1), 16);
            int low = Character.digit(path.charAt(i + 2), 16);
            if (high >= 0 && low >= 0) {
                char decoded = (char) (high * 16 + low);
                if ((decoded < 128 && Character.isLetterOrDigit(decoded)) || UNRESERVED_MARKS.indexOf(decoded) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
