package dev.webhookrelay.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The URL path suffix a transformation may add to its endpoint's URL: a relative path under it,
 * optionally with a query string, never another host or a way out of the endpoint's path. So it is
 * plain path characters after a '/', without empty, "." or ".." segments, and without
 * percent-encodings of the characters that would change how a server splits it ('.', '/', '\', '?',
 * '#', controls). The URL it makes passes the same SSRF guard as any other at send time.
 */
public final class PathSuffix {

    public static final int MAX_CHARS = 1024;
    private static final Pattern ALLOWED = Pattern.compile(
            "^/[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]*(\\?[A-Za-z0-9\\-._~!$&'()*+,;=:@/?%]*)?$");
    private static final Pattern PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    private static final Pattern STEERING_ESCAPE = Pattern.compile("%(2e|2f|5c|3f|23|[01][0-9a-f]|7f)");

    private PathSuffix() {
    }

    /** Why a suffix may not be used, or null when it may. */
    public static String refusal(String suffix) {
        if (suffix.length() > MAX_CHARS || !ALLOWED.matcher(suffix).matches()) {
            return "path must start with '/' and hold only URL path characters (at most " + MAX_CHARS
                    + "), optionally followed by a query string";
        }
        String path = suffix.contains("?") ? suffix.substring(0, suffix.indexOf('?')) : suffix;
        String lower = suffix.toLowerCase(Locale.ROOT);
        if (PERCENT.matcher(suffix).find() || STEERING_ESCAPE.matcher(lower).find()) {
            return "path must not percent-encode '.', '/', '\\', '?', '#' or control characters, nor hold a lone '%'";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "path must not hold empty, \".\" or \"..\" segments";
            }
        }
        if (path.contains("//")) {
            return "path must not hold empty, \".\" or \"..\" segments";
        }
        return null;
    }

    /** The endpoint's URL with the suffix after its path, and the suffix's query after the URL's own. */
    public static String appendTo(String url, String suffix) {
        if (suffix == null) {
            return url;
        }
        URI base;
        try {
            base = new URI(url);
        } catch (URISyntaxException e) {
            // The delivery client judges the URL again and refuses it with its reason.
            return url;
        }
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        int query = suffix.indexOf('?');
        String path = query < 0 ? suffix : suffix.substring(0, query);
        String suffixQuery = query < 0 ? null : suffix.substring(query + 1);
        String joinedQuery = base.getRawQuery() == null ? suffixQuery
                : suffixQuery == null || suffixQuery.isEmpty() ? base.getRawQuery()
                : base.getRawQuery() + "&" + suffixQuery;
        return base.getScheme() + "://" + base.getRawAuthority() + basePath + path
                + (joinedQuery == null || joinedQuery.isEmpty() ? "" : "?" + joinedQuery);
    }
}
