package dev.webhookrelay.urlsafety;

import java.net.URI;
import java.net.URISyntaxException;

import dev.webhookrelay.api.problem.ProblemException;

/**
 * Registration-time check of an endpoint URL: http(s) only, no credentials, and a host the
 * {@link TargetAddressGuard} accepts. Host names are not resolved here (that is the connect-time
 * guard's job).
 */
public final class EndpointUrlValidator {

    private static final int MAX_URL_LENGTH = 2048;

    private final TargetAddressGuard targetGuard;

    public EndpointUrlValidator(TargetAddressGuard targetGuard) {
        this.targetGuard = targetGuard;
    }

    public String validate(String url) {
        return validate(url, "url");
    }

    /** The same check of another URL the relay will call (an OAuth2 token URL), named {@code field} in a 422. */
    public String validate(String url, String field) {
        if (url == null || url.isBlank()) {
            throw ProblemException.invalid(field, field + " is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ProblemException.invalid(field, field + " is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ProblemException.invalid(field, field + " is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw ProblemException.invalid(field, field + " must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw ProblemException.invalid(field, field + " must not contain credentials; use endpoint headers instead");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw ProblemException.invalid(field, field + " must have a valid host name or IP address");
        }
        String refusal = targetGuard.refusal(uri);
        if (refusal != null) {
            throw ProblemException.invalid(field, field + " points to a refused address: " + refusal);
        }
        return uri.toString();
    }
}
