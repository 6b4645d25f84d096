package dev.webhookrelay.urlsafety;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether two URLs reach the same server: the same origin (scheme, host and port, the port a scheme's
 * default when absent), as a browser decides what a page may read. A stored credential may follow a
 * URL within its origin (a transformation chooses paths there already) and no further.
 */
public final class UrlOrigins {

    private UrlOrigins() {
    }

    /** False when either is no absolute http(s) URL: nothing is known to be the same server then. */
    public static boolean same(String url, String other) {
        String origin = origin(url);
        return origin != null && origin.equals(origin(other));
    }

    private static String origin(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port == -1) {
            port = switch (scheme) {
                case "http" -> 80;
                case "https" -> 443;
                default -> -1;
            };
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
