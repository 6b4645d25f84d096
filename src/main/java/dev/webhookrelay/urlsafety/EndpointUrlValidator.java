package dev.webhookrelay.urlsafety;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

import dev.webhookrelay.problem.ProblemException;

/**
 * Registration-time check of an endpoint URL: http(s) only, no credentials, and no literal address
 * in a blocked network. Host names are not resolved here (that is the connect-time guard's job).
 */
public final class EndpointUrlValidator {

    private static final int MAX_URL_LENGTH = 2048;

    private final AddressPolicy policy;

    public EndpointUrlValidator(AddressPolicy policy) {
        this.policy = policy;
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
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw ProblemException.invalid("url", "url must have a host");
        }
        InetAddress literal = literalAddress(host);
        if (literal != null) {
            String refusal = policy.refusal(literal);
            if (refusal != null) {
                throw ProblemException.invalid("url", "url points to a refused address: " + refusal);
            }
        }
        return uri.toString();
    }

    /** The address of an IP literal host, or null for a name (which is resolved only at connect time). */
    static InetAddress literalAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = bare.contains(":") && bare.matches("[0-9a-fA-F:.%A-Za-z]+");
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            throw ProblemException.invalid("url", "url has an invalid IP address");
        }
    }
}
