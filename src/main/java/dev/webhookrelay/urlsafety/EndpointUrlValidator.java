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
        if (url == null || url.isBlank()) {
            throw ProblemException.invalid("url", "url is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ProblemException.invalid("url", "url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ProblemException.invalid("url", "url is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw ProblemException.invalid("url", "url must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw ProblemException.invalid("url", "url must not contain credentials; use endpoint headers instead");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw ProblemException.invalid("url", "url must have a valid host name or IP address");
        }
        String refusal = targetGuard.refusal(uri);
        if (refusal != null) {
            throw ProblemException.invalid("url", "url points to a refused address: " + refusal);
        }
        return uri.toString();
    }
}
